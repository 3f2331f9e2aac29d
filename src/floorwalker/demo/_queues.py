"""The demo center's queues: their settings and how their customers behave. Pure data.

One record per queue keeps the ACD settings (what the manager configures) next to the
behaviour the simulation draws from (volumes, handle times, patience), so a reader can
see at a glance why, say, Support calls are longer than Sales calls.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Weekly pattern of demand relative to Wednesday, Monday first. Sunday voice/chat is 0
#: because the site is closed; e-mail keeps arriving.
VOICE_WEEK = (1.22, 1.07, 1.0, 0.96, 0.9, 0.42, 0.0)
CHAT_WEEK = (1.15, 1.05, 1.0, 0.98, 0.93, 0.55, 0.0)
EMAIL_WEEK = (1.25, 1.05, 1.0, 0.97, 0.92, 0.5, 0.42)


@dataclass(frozen=True)
class QueueProfile:
    code: str
    name: str
    channel: str
    skill: str
    #: Staffing group: the team family whose agents have this queue as primary skill.
    group: str
    sl_threshold_s: float
    short_abandon_s: float
    concurrency: int
    #: Configured after-contact work, seconds; None when the platform records none (chat).
    wrapup_s: float | None
    #: Expected contacts on a Wednesday at the end of the window, before noise.
    volume_per_day: float
    week: tuple[float, ...]
    #: Intraday shape family: "voice", "chat" or "email" (24/7).
    shape: str
    talk_mean_s: float
    talk_sigma: float  # lognormal sigma of talk (session for chat, working time for e-mail)
    hold_share: float  # fraction 0–1 of contacts with any hold
    hold_mean_s: float
    patience_mean_s: float  # mean of customers' lognormal patience; 0 = never abandons
    transfer_share: float  # fraction 0–1 of answered contacts transferred on
    transfer_to: tuple[str, ...]
    dispositions: tuple[tuple[str, float], ...]
    #: An outage (unforecast incident) floods this queue for a few hours.
    outage_sensitive: bool = False


QUEUES: tuple[QueueProfile, ...] = (
    QueueProfile(
        code="SALES",
        name="Sales",
        channel="voice",
        skill="Sales",
        group="sales",
        sl_threshold_s=20.0,
        short_abandon_s=5.0,
        concurrency=1,
        wrapup_s=30.0,
        volume_per_day=720.0,
        week=VOICE_WEEK,
        shape="voice",
        talk_mean_s=300.0,
        talk_sigma=0.6,
        hold_share=0.2,
        hold_mean_s=50.0,
        patience_mean_s=100.0,
        transfer_share=0.04,
        transfer_to=("BILLING", "SUPPORT"),
        dispositions=(
            ("order placed", 0.34),
            ("product enquiry", 0.24),
            ("quote given", 0.16),
            ("upgrade", 0.12),
            ("not interested", 0.11),
            ("complaint", 0.03),
        ),
    ),
    QueueProfile(
        code="SUPPORT",
        name="Technical Support",
        channel="voice",
        skill="Technical Support",
        group="support",
        sl_threshold_s=20.0,
        short_abandon_s=5.0,
        concurrency=1,
        wrapup_s=45.0,
        volume_per_day=1020.0,
        week=VOICE_WEEK,
        shape="voice",
        talk_mean_s=380.0,
        talk_sigma=0.65,
        hold_share=0.35,
        hold_mean_s=75.0,
        patience_mean_s=115.0,
        transfer_share=0.045,
        transfer_to=("BILLING", "SALES"),
        dispositions=(
            ("technical fault", 0.3),
            ("password reset", 0.17),
            ("setup help", 0.2),
            ("outage enquiry", 0.12),
            ("engineer booked", 0.15),
            ("complaint", 0.06),
        ),
        outage_sensitive=True,
    ),
    QueueProfile(
        code="BILLING",
        name="Billing",
        channel="voice",
        skill="Billing",
        group="billing",
        sl_threshold_s=20.0,
        short_abandon_s=5.0,
        concurrency=1,
        wrapup_s=40.0,
        volume_per_day=500.0,
        week=VOICE_WEEK,
        shape="voice",
        talk_mean_s=270.0,
        talk_sigma=0.6,
        hold_share=0.25,
        hold_mean_s=60.0,
        patience_mean_s=95.0,
        transfer_share=0.035,
        transfer_to=("SALES", "SUPPORT"),
        dispositions=(
            ("billing question", 0.36),
            ("payment taken", 0.22),
            ("direct debit change", 0.14),
            ("refund issued", 0.1),
            ("payment plan", 0.1),
            ("complaint", 0.08),
        ),
    ),
    QueueProfile(
        code="CHAT",
        name="Support Chat",
        channel="chat",
        skill="Chat Support",
        group="digital",
        sl_threshold_s=60.0,
        short_abandon_s=5.0,
        concurrency=2,
        wrapup_s=None,
        volume_per_day=450.0,
        week=CHAT_WEEK,
        shape="chat",
        talk_mean_s=600.0,
        talk_sigma=0.55,
        hold_share=0.0,
        hold_mean_s=0.0,
        patience_mean_s=260.0,
        transfer_share=0.0,
        transfer_to=(),
        dispositions=(
            ("password reset", 0.22),
            ("order status", 0.24),
            ("technical fault", 0.2),
            ("account update", 0.16),
            ("billing question", 0.14),
            ("complaint", 0.04),
        ),
        outage_sensitive=True,
    ),
    QueueProfile(
        code="EMAIL",
        name="Customer Email",
        channel="email",
        skill="Email Support",
        group="digital",
        sl_threshold_s=86400.0,
        short_abandon_s=0.0,
        concurrency=1,
        wrapup_s=30.0,
        volume_per_day=310.0,
        week=EMAIL_WEEK,
        shape="email",
        talk_mean_s=360.0,
        talk_sigma=0.7,
        hold_share=0.0,
        hold_mean_s=0.0,
        patience_mean_s=0.0,
        transfer_share=0.0,
        transfer_to=(),
        dispositions=(
            ("account update", 0.26),
            ("billing question", 0.22),
            ("order status", 0.18),
            ("document request", 0.14),
            ("technical fault", 0.12),
            ("complaint", 0.08),
        ),
    ),
)

SKILL_DESCRIPTIONS = {
    "Sales": "New orders, upgrades and quotes on the phone",
    "Technical Support": "Faults, set-up and outages on the phone",
    "Billing": "Bills, payments, refunds and direct debits on the phone",
    "Chat Support": "Web chat for service questions (up to two chats at once)",
    "Email Support": "Written replies to customer e-mail",
}

#: Chance that a handled contact with this disposition is followed by another contact of
#: the same customer within the FCR window: unresolved problems bring customers back.
REPEAT_SHARE_BY_DISPOSITION = {
    "complaint": 0.42,
    "technical fault": 0.34,
    "outage enquiry": 0.36,
    "engineer booked": 0.3,
    "billing question": 0.2,
    "payment plan": 0.22,
    "setup help": 0.18,
    "order status": 0.17,
    "refund issued": 0.15,
}
REPEAT_SHARE_DEFAULT = 0.1
