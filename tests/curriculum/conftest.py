import pytest

from competences.models import Competence
from curriculum.loader import read_content
from curriculum.management.commands import load_curriculum
from curriculum.models import Programme
from tests.curriculum.content_tree import ContentTree


@pytest.fixture
def tree(tmp_path) -> ContentTree:
    return ContentTree(tmp_path)


@pytest.fixture
def _no_content_yet(request):
    # The test session loads the shipped programme once; loader tests start from none.
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        Programme.objects.all().delete()
        Competence.objects.all().delete()


@pytest.fixture
def command_reads_tree(monkeypatch, tree):
    """Points `load_curriculum` at the test's tree instead of the shipped content."""
    monkeypatch.setattr(
        load_curriculum,
        "read_content",
        lambda: read_content(tree.content_dir, tree.competences_file),
    )
    return tree
