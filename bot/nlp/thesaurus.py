"""A small telecom thesaurus folded into the lemmas of the project's spaCy pipeline.

The NLU has no pretrained word vectors (nothing may be downloaded), so it only
generalises through words it saw in training. Mapping everyday synonyms onto
one canonical lemma ("invoice", "statement" -> "bill"; "representative",
"operator" -> "agent") lets an example written with one word teach the model
about the others. Keep the groups unambiguous in a telecom conversation: a
word that means different things to different intents does not belong here.
"""

from __future__ import annotations

from collections.abc import Iterator

# canonical lemma -> words (already lower case) that should share it
SYNONYMS: dict[str, tuple[str, ...]] = {
    "bill": ("invoice", "invoices", "statement", "statements", "bills", "billing"),
    "agent": (
        "agents", "representative", "representatives", "rep", "reps", "operator",
        "operators", "human", "humans", "person", "persons", "people", "somebody",
        "someone", "staff", "advisor", "adviser", "associate", "supervisor", "manager",
    ),
    "internet": ("wifi", "wi-fi", "broadband", "net"),
    "plan": ("plans", "package", "packages", "tariff", "tariffs", "bundle", "bundles"),
    "data": ("gigs", "gig", "gb", "gbs", "gigabyte", "gigabytes"),
    "password": ("passwords", "pin", "pins", "passcode", "passcodes"),
    "problem": ("problems", "issue", "issues", "fault", "faults", "trouble", "glitch"),
    "technician": ("technicians", "engineer", "engineers", "tech", "installer"),
    "charge": ("charges", "fee", "fees", "surcharge", "surcharges"),
    "yes": ("yeah", "yep", "yup", "ya", "yea", "yeh", "yes", "yess", "yas"),
    "no": ("nope", "nah", "nop", "noo"),
    "thanks": ("thank", "thx", "thnx", "thanx", "tysm"),
    "email": ("e-mail", "emails", "e-mails"),
}


def lemma_entries() -> Iterator[tuple[str, str]]:
    """(word form, canonical lemma) pairs in lower, Title and UPPER case."""
    for canonical, words in SYNONYMS.items():
        for word in words:
            for form in {word, word.capitalize(), word.upper()}:
                yield form, canonical
