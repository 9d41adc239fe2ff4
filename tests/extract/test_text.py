import pytest

from scrapers.extract.text import html_paragraphs, split_reference, strip_site_suffix


def test_paragraphs_split_at_blocks_and_line_breaks() -> None:
    html = "Satu <b>dua</b><br />\n<br />Tiga<p>Empat</p><script>x()</script>Lima"
    assert html_paragraphs(html) == ["Satu dua", "Tiga", "Empat", "Lima"]


@pytest.mark.parametrize(
    ("line", "reference"),
    [
        ("Reference : lkpp.go.id", "lkpp.go.id"),
        ("Sumber: www.lkpp.go.id", "www.lkpp.go.id"),
        ("(Sumber berita: Humas LKPP)", "Humas LKPP"),
        ("Source - pps.go.kr", "pps.go.kr"),
    ],
)
def test_trailing_reference_line_is_taken_out(line: str, reference: str) -> None:
    paragraphs, found = split_reference(["Isi berita.", "Paragraf kedua.", line])
    assert found == reference
    assert paragraphs == ["Isi berita.", "Paragraf kedua."]


def test_reference_only_near_the_end() -> None:
    paragraphs = ["Sumber: dokumen lama", "a", "b", "c", "d"]
    assert split_reference(paragraphs) == (paragraphs, None)


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("LKPP Tandatangani MoU | LKPP - Lembaga Kebijakan", ["LKPP"], "LKPP Tandatangani MoU"),
        (
            "Jawa Barat - Kerja sama | Catatan Pengadaan",
            ["Catatan Pengadaan"],
            "Jawa Barat - Kerja sama",
        ),
        ("Rapat - evaluasi e-katalog", ["LKPP"], "Rapat - evaluasi e-katalog"),
        ("  Judul   berita  ", [], "Judul berita"),
    ],
)
def test_strip_site_suffix(title: str, names: list[str], expected: str) -> None:
    assert strip_site_suffix(title, names) == expected
