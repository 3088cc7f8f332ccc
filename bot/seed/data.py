"""Fixed demo data: the catalogue, name and place pools, and the hand-picked identities."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

# code, name, kind, monthly price, data GB, minutes, texts (None = unlimited)
PLANS: list[tuple[str, str, str, Decimal, Optional[int], Optional[int], Optional[int]]] = [
    ("BASIC5", "Basic 5 GB", "plan", Decimal("25.00"), 5, 500, None),
    ("PLUS20", "Plus 20 GB", "plan", Decimal("40.00"), 20, None, None),
    ("MAX", "Unlimited Max", "plan", Decimal("65.00"), None, None, None),
    ("HOME300", "Home Fiber 300", "plan", Decimal("55.00"), None, None, None),
    ("INTL", "International Calling", "addon", Decimal("10.00"), None, 300, None),
    ("DATA5", "Extra 5 GB", "addon", Decimal("10.00"), 5, None, None),
]
BULK_PLAN_WEIGHTS = {"BASIC5": 3, "PLUS20": 4, "MAX": 2, "HOME300": 1}

FIRST_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "Lucas",
    "Mia",
    "Mason",
    "Amelia",
    "Ethan",
    "Harper",
    "Logan",
    "Evelyn",
    "Aiden",
    "Abigail",
    "Jackson",
    "Ella",
    "Sebastian",
    "Chloe",
    "Mateo",
    "Layla",
    "Daniel",
    "Zoe",
    "Henry",
    "Nora",
    "Samuel",
    "Priya",
    "Omar",
    "Mei",
    "Kwame",
    "Fatima",
    "Diego",
    "Yuki",
    "Ines",
    "Tariq",
    "Leila",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Patel",
    "Nguyen",
    "Chen",
    "Okafor",
]
STREETS = [
    "Maple",
    "Oak",
    "Pine",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Main",
    "Church",
    "River",
    "Sunset",
    "Highland",
    "Spring",
    "Jefferson",
    "Lincoln",
    "Madison",
]
# (postcode, city, state)
PLACES = [
    ("20001", "Washington", "DC"),
    ("20002", "Washington", "DC"),
    ("20003", "Washington", "DC"),
    ("20005", "Washington", "DC"),
    ("20009", "Washington", "DC"),
    ("20010", "Washington", "DC"),
    ("22201", "Arlington", "VA"),
    ("22202", "Arlington", "VA"),
    ("22301", "Alexandria", "VA"),
    ("20814", "Bethesda", "MD"),
    ("20910", "Silver Spring", "MD"),
    ("21201", "Baltimore", "MD"),
    ("10001", "New York", "NY"),
    ("10025", "New York", "NY"),
    ("11201", "Brooklyn", "NY"),
    ("19103", "Philadelphia", "PA"),
    ("02139", "Cambridge", "MA"),
    ("60601", "Chicago", "IL"),
    ("94103", "San Francisco", "CA"),
    ("98101", "Seattle", "WA"),
    ("30303", "Atlanta", "GA"),
    ("73301", "Austin", "TX"),
    ("80202", "Denver", "CO"),
    ("33101", "Miami", "FL"),
]
OUTAGE_POSTCODE = "20002"
# (postcode, services, description, started hours ago, fixed in hours)
OUTAGES = [
    (OUTAGE_POSTCODE, "internet,tv", "Fiber cable damaged by road works", 3, 5),
    ("60601", "mobile", "Cell site maintenance overran", 1, 2),
]

# Documented demo gateway test tokens (see docs/backend.md).
CARD_APPROVE = "tok_demo_approve"
CARD_DECLINE = "tok_demo_decline"
CARD_NO_FUNDS = "tok_demo_insufficient_funds"
CARD_TIMEOUT = "tok_demo_timeout"


@dataclass(frozen=True)
class CustomerSpec:
    """Everything the builder needs to write one customer and their history."""

    account_number: str
    first_name: str
    last_name: str
    phone: str
    postcode: str
    plan_code: str
    status: str = "active"
    # open | paid | overdue | long_overdue
    bill: str = "open"
    cards: tuple[tuple[str, str, str], ...] = (("Visa", "4242", CARD_APPROVE),)
    ticket: Optional[tuple[str, str, str]] = None  # category, status, description
    arrangement: bool = False
    pilot: bool = True
    addon: Optional[str] = None
    story: str = ""


DEMO_SPECS: list[CustomerSpec] = [
    CustomerSpec(
        "AC10000001",
        "Maria",
        "Lopez",
        "+12025550101",
        "20001",
        "PLUS20",
        bill="open",
        addon="INTL",
        story="Active customer with an open current bill; saved Visa ending 4242 pays fine.",
    ),
    CustomerSpec(
        "AC10000002",
        "James",
        "Carter",
        "+12025550102",
        "20003",
        "BASIC5",
        bill="overdue",
        story="Bill 14 days overdue; eligible for a payment extension or instalments.",
    ),
    CustomerSpec(
        "AC10000003",
        "Aisha",
        "Khan",
        "+12025550103",
        "20009",
        "MAX",
        status="suspended",
        bill="long_overdue",
        story="Suspended: bill 49 days overdue, so no arrangement is possible (over 30 days).",
    ),
    CustomerSpec(
        "AC10000004",
        "Tom",
        "Nguyen",
        "+12025550104",
        OUTAGE_POSTCODE,
        "HOME300",
        bill="paid",
        ticket=("fault", "open", "Internet keeps dropping since this morning"),
        story="Lives in postcode 20002 with an internet/TV outage and has an open fault ticket.",
    ),
    CustomerSpec(
        "AC10000005",
        "Elena",
        "Rossi",
        "+12025550105",
        "22201",
        "PLUS20",
        bill="open",
        cards=(("Mastercard", "0002", CARD_DECLINE), ("Visa", "9995", CARD_NO_FUNDS)),
        story="Open bill; her saved Mastercard 0002 is declined and Visa 9995 has "
        "insufficient funds (offer a secure payment link).",
    ),
    CustomerSpec(
        "AC10000006",
        "David",
        "Kim",
        "+12025550106",
        "10001",
        "BASIC5",
        bill="overdue",
        arrangement=True,
        story="Overdue bill with an active payment extension (a second one is refused).",
    ),
    CustomerSpec(
        "AC10000007",
        "Grace",
        "Obi",
        "+12025550107",
        "19103",
        "BASIC5",
        status="closed",
        bill="paid",
        story="Closed account: verification is refused.",
    ),
]

DEMO_IDENTITIES: list[dict[str, str]] = [
    {
        "name": f"{s.first_name} {s.last_name}",
        "phone": f"+1 {s.phone[2:5]} {s.phone[5:8]} {s.phone[8:]}",
        "account_number": s.account_number,
        "story": s.story,
    }
    for s in DEMO_SPECS
]
