"""What an article is: an MoU signing, a mention of one, an agreement, a regulation, a
tender, or other news. Decided on the title and the lead, where news says what happened."""

from __future__ import annotations

import re
from datetime import date

from scrapers.analysis.event_dates import FULL_MONTH, find_event_dates
from scrapers.extract.dates import MONTHS

KINDS = ("mou", "mou_mention", "agreement", "regulation", "tender", "news")

# Korean writes particles onto "MOU" ("MOU를"), so it is bounded by letters, not by \b.
MOU_TERM = re.compile(
    r"nota kesepahaman|nota kesepakatan|memorandum of understanding|"
    r"memorandum saling pengertian|(?<![a-z])mou(?![a-z])|업무협약|양해각서|협약",
    re.IGNORECASE,
)
AGREEMENT_TERM = re.compile(
    r"perjanjian kerja ?sama|\bPKS\b|adendum|addendum|amandemen perjanjian|kontrak kerja sama|"
    r"implementing arrangement|perjanjian pelaksanaan",
    re.IGNORECASE,
)
SIGNING = re.compile(
    r"\b(menandatangani|penandatanganan|penandatangan|ditandatangani|tandatangani|tanda tangan|meneken|diteken|"
    r"teken|memperpanjang|perpanjang|diperpanjang|memperbarui|perbarui|diperbarui|memperbaharui|"
    r"menyepakati|sepakati|jalin|menjalin|resmikan|meresmikan|lanjut kerja ?sama|melanjutkan kerja ?sama|"
    r"signed|signs|signing|inked|renewed|renews|renewing|renew)\b"  # English press releases
    r"|체결|맺",  # Korean: 체결했다, 체결식; 협약을 맺은
    re.IGNORECASE,
)
# Said of a signing that has not happened (yet), or that this article does not report.
PLANNED = re.compile(
    r"\b(akan|rencana|rencananya|berencana|dijadwalkan|bakal|direncanakan|hendak|segera|"
    r"menjajaki|penjajakan|usulan|draf|rancangan|persiapan|mempersiapkan|membahas|pembahasan|"
    r"ditunda|tertunda|diundur|batal|dibatalkan|urung|"
    r"will|plans? to|planned|scheduled|to be signed|expected to|draft|postponed|cancelled)\b"
    r"|예정|계획|추진 중",
    re.IGNORECASE,
)
_MONTH = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
EARLIER = re.compile(
    r"\b(tahun lalu|bulan lalu|sebelumnya|yang lalu|sejak|silam|tindak lanjut|"
    r"menindaklanjuti|evaluasi|implementasi|pelaksanaan dari|berdasarkan|mengacu|payung|turunan|"
    r"pernah|telah ditandatangani|last year|last month|previously|ago)\b|지난해|작년|"
    r"\b(pada|tahun)\s+(19|20)\d\d\b|"
    rf"(?<!\d )\b(?:{_MONTH})\s+(?:lalu|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# What a follow-up or a discussion of an earlier MoU says of it.
FOLLOW_UP = re.compile(
    r"\b(tindak lanjut|menindaklanjuti|evaluasi|implementasi|pelaksanaan|rencana aksi|membahas|"
    r"jajaki|menjajaki)\b",
    re.IGNORECASE,
)
AMOUNT = re.compile(r"\bRp\s?[\d.,]+|\bHPS\b|\bpagu\b", re.IGNORECASE)
# A signing this long before publication is an earlier one the article looks back on.
LOOKS_BACK_DAYS = 45
# A month without its day ("signed in April", "pada Maret"): the latest such month not after
# publication, which looks back when it is not the month of publication or the one before.
MONTH_ONLY = re.compile(
    rf"\b(?:in|pada|bulan|since|sejak)\s+(?P<month>{FULL_MONTH})\b(?!\s*,?\s*\d)", re.IGNORECASE
)
NEGATED = re.compile(r"\b(belum|tidak|tanpa|bukan|not|never|without)\b", re.IGNORECASE)
REGULATION = re.compile(
    r"\b(Perpres|Peraturan Presiden|Peraturan LKPP|Peraturan Lembaga|Perlem|Perka|Surat Edaran|"
    r"\bSE\b|Permendagri|Permenkeu|Peraturan Menteri|Peraturan Pemerintah|PP Nomor|Undang-Undang|"
    r"Keputusan Presiden|Keppres|Inpres|Instruksi Presiden|regulasi|aturan baru)",
    re.IGNORECASE,
)
TENDER = re.compile(
    r"\b(lelang|tender|seleksi|pengumuman pemenang|pemenang|HPS|nilai pagu|kualifikasi|"
    r"penawaran|paket pekerjaan|pengadaan langsung)\b",
    re.IGNORECASE,
)
# A sentence ends at . ! or ? before a capital; not after a name's initial or title
# ("H.M. Sani", "Dr. Ani", "Ir. Budi", "Mr. Kim").
_NOT_AN_END = r"(?<!\b[A-Z]\.)" + "".join(
    rf"(?<!\b{title}\.)" for title in ("Dr", "Ir", "Hj", "Drs", "Dra", "Prof", "Mr", "Mrs", "Ms")
)
SENTENCE_END = re.compile(rf"(?<=[.!?]){_NOT_AN_END}[\"”]?\s+(?=[A-Z가-힣\"“(])")


def sentences(text: str) -> list[str]:
    return [
        s.strip()
        for paragraph in text.split("\n\n")
        for s in SENTENCE_END.split(paragraph)
        if s.strip()
    ]


def lead(text: str, paragraphs: int = 2) -> str:
    return "\n\n".join(text.split("\n\n")[:paragraphs])


def reports_signing(
    sentence: str, terms: re.Pattern[str] = MOU_TERM, published: date | None = None
) -> bool:
    """Does this sentence report a signing of its own, not a plan or an earlier one?"""
    if not (
        terms.search(sentence)
        and SIGNING.search(sentence)
        and not PLANNED.search(sentence)
        and not EARLIER.search(sentence)
        and not NEGATED.search(sentence)
    ):
        return False
    if published is None:
        return True
    dates = [d.value for d in find_event_dates(sentence, published) if d.value]
    if dates:
        return (published - dates[0]).days <= LOOKS_BACK_DAYS
    return not any(_months_back(m["month"], published) > 1 for m in MONTH_ONLY.finditer(sentence))


def _months_back(month_name: str, published: date) -> int:
    return (published.month - MONTHS[month_name.lower()]) % 12


def classify(title: str | None, text: str, published: date | None = None) -> str:
    title = title or ""
    opening = [title, *sentences(lead(text))]
    # A title that reports an agreement, and no MoU, is about the agreement.
    title_agreement = reports_signing(title, AGREEMENT_TERM) and not MOU_TERM.search(title)
    if not title_agreement and any(reports_signing(s, published=published) for s in opening):
        return "mou"
    if any(reports_signing(s, AGREEMENT_TERM, published) for s in opening):
        return "agreement"
    # An MoU planned, followed up, or signed earlier ("sejak MoU diteken pada Maret lalu").
    if (MOU_TERM.search(title) and not NEGATED.search(title)) or any(
        MOU_TERM.search(s)
        and (PLANNED.search(s) or FOLLOW_UP.search(s) or SIGNING.search(s))
        and not NEGATED.search(s)
        for s in opening
    ):
        return "mou_mention"
    if REGULATION.search(title):
        return "regulation"
    if TENDER.search(title) and AMOUNT.search(text):
        return "tender"
    return "news"
