"""How a reader refers to a measure: its formal citation, its permanent URL, a mail to comment on it.

Templates reach this as `cite`: `cite.text(m)`, `cite.permalink(m)`, `cite.mailto(m)`, and
`cite.draft_number(m)` (the number the draft gave a measure, when it now has another).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from markupsafe import Markup

from .markdown import summary
from .model import Measure, Plan
from .urls import url_of


def chinese_date(iso: str) -> str:
    """'2022-09-14' -> '2022年9月14日', as formal Chinese documents write dates."""
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def measure_url(measure: Measure) -> str:
    """The URL path of a measure's page (never changes: built from its id)."""
    return "/" + url_of(measure)


def mail_address(email: str) -> str:
    """One address for a mailto: URL, every character but letters, digits, @ . _ - percent-encoded.

    The schema admits one plain address only; this makes sure that whatever reaches a link is that
    address and nothing more: no ?, & or %0A (headers such as bcc), no ( ) [ ] that end a Markdown link,
    no quote that ends an attribute.
    """
    return quote(email, safe="@")


class Citer:
    def __init__(self, plan: Plan, site_url: str = "", draft_numbers: Mapping[str, int] | None = None):
        self.plan = plan
        self.site_url = site_url.strip().rstrip("/")
        # Only a final version is "renumbered": while a draft, the draft's numbers are the numbers.
        draft_numbers = {} if plan.is_draft else (draft_numbers or {})
        self.renumbered: dict[str, int] = {
            m.id: draft_numbers[m.id] for m in plan.measures if draft_numbers.get(m.id, m.number) != m.number
        }

    def absolute(self, url_path: str) -> str:
        """A URL path as readers should copy it: with the site's address when it is known."""
        return self.site_url + url_path if self.site_url else url_path

    def permalink(self, measure: Measure) -> str:
        return self.absolute(measure_url(measure))

    def text(self, measure: Measure) -> str:
        """《title（period）》（status, or the 文号 of a version issued with one），office，date，第N条。"""
        plan = self.plan
        date = chinese_date(plan.date)
        stage = plan.status if plan.is_draft or not plan.number else plan.number  # a final is cited by its 文号
        return f"《{plan.full_title}》（{stage}），{plan.office}，{date}，{measure.label}。"

    def subject(self, measure: Measure) -> str:
        return f"意见：《{self.plan.full_title}》{measure.label}"

    def body(self, measure: Measure) -> str:
        address = f"网址：{self.permalink(measure)}\n" if self.site_url else ""  # never a bare path
        return (
            f"措施：{measure.label} {summary(measure.text)}\n"
            f"{address}"
            "\n"
            "意见和建议：\n"
            "\n"
            "\n"
            "联系人及联系方式（选填）：\n"
        )

    def mail_address(self) -> Markup:
        """mailto: the consultation address alone, for a link in Markdown or an HTML attribute."""
        return Markup(f"mailto:{mail_address(self.plan.consultation.email)}")

    def mailto(self, measure: Measure) -> Markup:
        """mailto: the consultation address, subject and body percent-encoded as UTF-8 (RFC 6068)."""
        subject = quote(self.subject(measure), safe="")
        body = quote(self.body(measure).replace("\n", "\r\n"), safe="")
        return Markup(f"mailto:{mail_address(self.plan.consultation.email)}?subject={subject}&body={body}")

    def draft_number(self, measure: Measure) -> int:
        """The number the draft gave this measure if it now has another one, else 0."""
        return self.renumbered.get(measure.id, 0)
