"""A real SMTP server on a free localhost port (aiosmtpd), for the email transport tests.

Plain helper functions: ``smtp_server(...)`` is a context manager yielding the
running :class:`Inbox`; ``self_signed(tmp_path)`` writes a certificate for localhost.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any, Optional

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.ports import free_port


@dataclass
class Inbox:
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    rcpt_attempts: int = 0
    auth_attempts: int = 0
    refuse: set[str] = field(default_factory=set)
    login: Optional[tuple[str, str]] = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        self.rcpt_attempts += 1
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        self.auth_attempts += 1
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.login is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        )
        return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(
    *,
    starttls: Optional[ssl.SSLContext] = None,
    implicit_tls: Optional[ssl.SSLContext] = None,
    login: Optional[tuple[str, str]] = None,
) -> Iterator[Inbox]:
    """Start aiosmtpd on 127.0.0.1; STARTTLS required when ``starttls`` is given,
    implicit TLS when ``implicit_tls`` is, AUTH required when ``login`` is."""
    inbox = Inbox(port=free_port(), login=login)
    server_kwargs: dict[str, Any] = {}
    if starttls is not None:
        server_kwargs.update(tls_context=starttls, require_starttls=True)
    if login is not None:
        server_kwargs.update(
            authenticator=inbox.authenticate,
            auth_required=True,
            auth_require_tls=starttls is not None or implicit_tls is not None,
        )
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=inbox.port,
        ssl_context=implicit_tls,
        server_hostname="localhost",
        server_kwargs=server_kwargs,
    )
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def self_signed(directory: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for localhost / 127.0.0.1: (its PEM file, a server TLS context)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / "smtp-cert.pem"
    key_file = directory / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word (a stalled server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])
