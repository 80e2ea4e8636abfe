from pathlib import Path

from agilesocial.plan.loader import Document, load_document

ROOT = Path(__file__).resolve().parents[1]


def test_repository_project_files_parse() -> None:
    files = [ROOT / "agile-social.yaml", *sorted(ROOT.glob("plans/*.yaml")), *sorted(ROOT.glob("experiments/*.yaml"))]
    files += sorted(ROOT.glob("sprints/*.yaml"))
    assert len(files) >= 4
    for f in files:
        kind, doc = load_document(f)
        assert isinstance(doc, Document), (f, doc)
