"""Loading every supported format; bad files are reported by name and skipped."""

import pytest

from retrieval.documents import load_documents

STATUTE = ["第一条 为了规范居住证管理，制定本条例。", "第二条 居住证申领条件由本条例规定。",
           "第三条 居住证由公安机关签发。"]


def _pdf(path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(STATUTE):
        c.drawString(72, 700 - 20 * i, line)
    c.save()


def _docx(path):
    import docx

    d = docx.Document()
    for line in STATUTE:
        d.add_paragraph(line)
    d.save(str(path))


def _html(path):
    body = "".join(f"<p>{line}</p>" for line in STATUTE)
    path.write_text(f"<html><head><title>条例</title></head><body>{body}</body></html>",
                    encoding="utf-8")


@pytest.mark.parametrize("suffix,write", [
    (".pdf", _pdf), (".docx", _docx), (".html", _html),
    (".txt", lambda p: p.write_text("\n".join(STATUTE), encoding="utf-8")),
    (".md", lambda p: p.write_text("# 条例\n\n" + "\n\n".join(STATUTE), encoding="utf-8")),
])
def test_load_reads_each_supported_format(tmp_path, suffix, write):
    write(tmp_path / f"statute{suffix}")
    docs, failures = load_documents(tmp_path)
    assert failures == []
    [doc] = docs
    assert doc.id_ == f"statute{suffix}"
    assert all(line in doc.text.replace("\n", "") for line in STATUTE)
    assert doc.metadata["audience"] == "internal"  # no front matter: staff-only by default


def test_load_defaults_audience_only_when_asked(tmp_path):
    (tmp_path / "a.txt").write_text("公开材料。", encoding="utf-8")
    docs, _ = load_documents(tmp_path, default_audience="public")
    assert docs[0].metadata["audience"] == "public"


def test_load_reports_bad_files_by_name_and_keeps_the_rest(tmp_path):
    (tmp_path / "good.md").write_text("# 好文件\n\n内容。", encoding="utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "garbage.docx").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "bad-yaml.md").write_text("---\nid: [unclosed\n---\n正文", encoding="utf-8")
    (tmp_path / "bad-schema.md").write_text(
        "---\nid: Bad_ID\ntitle: x\n---\n正文", encoding="utf-8")
    (tmp_path / "schema.json").write_text("{}", encoding="utf-8")  # not a document: ignored
    docs, failures = load_documents(tmp_path)
    assert [d.id_ for d in docs] == ["good.md"]
    reasons = {f.path.rsplit("/", 1)[1]: f.reason for f in failures}
    assert set(reasons) == {"broken.pdf", "garbage.docx", "latin1.txt", "empty.txt",
                            "bad-yaml.md", "bad-schema.md"}
    assert "UTF-8" in reasons["latin1.txt"]
    assert "YAML" in reasons["bad-yaml.md"]
    assert "front matter invalid" in reasons["bad-schema.md"]


def test_load_rejects_a_duplicate_id(tmp_path):
    meta = ("---\nid: same\ntitle: 重复\ncategory: 户籍\naudience: public\nregion: 重庆市\n"
            "department: 公安局\nlegal_basis: []\nupdated: 2026-11-01\ndoc_type: faq\n---\n正文")
    (tmp_path / "a.md").write_text(meta, encoding="utf-8")
    (tmp_path / "b.md").write_text(meta, encoding="utf-8")
    docs, failures = load_documents(tmp_path)
    assert len(docs) == 1 and "duplicate id 'same'" in failures[0].reason
