"""The SQL sinks' statements and default parallelism, as the Swift code builds them
(`statusrelay bench sink-sql`), so the ceiling benchmarks run exactly what the sinks run."""
import functools, json, os, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _binary(bin_dir=None) -> str:
    """`statusrelay` from BIN_DIR, $STATUSRELAY_BIN_DIR, or the newest build of this clone."""
    for directory in (bin_dir, os.environ.get("STATUSRELAY_BIN_DIR")):
        if directory:
            return str(Path(directory) / "statusrelay")
    built = [p for p in (ROOT / ".build-release/release/statusrelay", ROOT / ".build/release/statusrelay",
                         ROOT / ".build/debug/statusrelay") if p.exists()]
    if not built:
        raise SystemExit("sink_sql: no statusrelay binary; build first or set STATUSRELAY_BIN_DIR")
    return str(max(built, key=lambda p: p.stat().st_mtime))


@functools.cache
def statements(bin_dir=None) -> dict:
    return json.loads(subprocess.run([_binary(bin_dir), "bench", "sink-sql"], check=True, capture_output=True,
                                     text=True).stdout)


def status_conflict_clause(dialect: str = "sqlite", bin_dir=None) -> str:
    """The sink's message_status ON CONFLICT clause (the guard generated from CurrentStatusRule's key)."""
    return statements(bin_dir)["status_conflict_clause"][dialect]


def status_columns(bin_dir=None) -> str:
    """`SinkSQL.statusColumns`: the message_status columns the sinks write, in their order."""
    return statements(bin_dir)["status_columns"]


if __name__ == "__main__":
    # `sink_sql.py sqlite|postgres` prints that dialect's clause (SinkSQLScriptTests).
    import sys
    print(status_conflict_clause(sys.argv[1]), end="")
