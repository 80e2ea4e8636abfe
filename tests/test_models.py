from pathlib import Path

from agilesocial.plan.loader import Document, load_document

ROOT = Path(__file__).resolve().parents[1]


def test_repository_project_files_parse() -> None:
    files = [ROOT / "agile-social.yaml", *sorted(ROOT.glob("plans/*.yaml")), *sorted(ROOT.glob("experiments/*.yaml"))]
    files += sorted(ROOT.glob("sprints/*.yaml"))
    assert len(files) >= 4
    for f in files:
        _, doc = load_document(f)
        assert isinstance(doc, Document), (f, doc)


def test_repository_project_is_the_shipped_demo_project() -> None:
    shipped = ROOT / "src/agilesocial/demo/data/project"
    for f in shipped.rglob("*.yaml"):
        twin = ROOT / f.relative_to(shipped)
        assert twin.read_text() == f.read_text(), f"{twin} differs from {f}: keep them identical"


def test_workspace_loads_demo_project() -> None:
    from agilesocial.config import load_project
    from agilesocial.plan.workspace import load_workspace

    ws = load_workspace(load_project(ROOT))
    assert not ws.issues
    assert [d.model.id for d in ws.plans] == ["northwind-social"]
    assert len(ws.experiments) == 4 and len(ws.sprints) == 1
