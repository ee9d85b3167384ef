"""The sink's message_status ON CONFLICT clause, read from its Swift source so the ceiling
benchmarks run exactly the guard the sinks run."""
import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "Sources/Consumer/Sinks/SQL/SinkSQL.swift"


def status_conflict_clause() -> str:
    text = SOURCE.read_text()
    advances = re.search(r'static let advances = """\n(.*?)"""', text, re.S).group(1)
    advances = advances.replace("\\\n", "").strip()
    clause = re.search(r'static let statusConflictClause = """\n(.*?)"""', text, re.S).group(1)
    return clause.replace("\\(advances)", advances)
