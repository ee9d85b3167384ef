"""The sink's message_status ON CONFLICT clause, read from its Swift source so the ceiling
benchmarks run exactly the guard the sinks run.

SinkSQL builds the clause from small static functions whose bodies are string literals with
interpolations; this evaluates those bodies (literals, `+`, `\\(...)` of a parameter, a local, a
call of another of them, `dialect.bytewise(...)`, `CurrentStatusRule.unrankedRank`). Anything else
raises, so a change of shape fails loudly instead of running a different guard.
`SinkSQLScriptTests` checks the result equals the Swift value for both dialects.
Run as `sink_sql.py sqlite|postgres` to print the clause.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "Sources/Consumer/Sinks/SQL/SinkSQL.swift"
RULE = ROOT / "Sources/StatusEvents/Lifecycle/CurrentStatusRule.swift"


class _Swift:
    def __init__(self, dialect):
        self.text = SOURCE.read_text()
        self.dialect = dialect
        self.constants = {
            "CurrentStatusRule.unrankedRank": re.search(r"static let unrankedRank = (-?\d+)", RULE.read_text()).group(1),
        }

    def function(self, name):
        """Parameter names and body of `[static] func name(...) -> String { body }`."""
        match = re.search(r"(?:static )?func " + name + r"\(([^)]*)\) -> String \{", self.text)
        if not match:
            raise ValueError(f"SinkSQL.{name} not found in {SOURCE}")
        params = [p.split(":")[0].split()[-1] for p in match.group(1).split(",") if p.strip()]
        depth, i = 1, match.end()
        while depth:
            if self.text.startswith('"""', i):
                i = self.text.index('"""', self.text.index("\n", i)) + 3
                continue
            if self.text[i] == '"':
                i = self._skip_literal(self.text, i)
                continue
            depth += {"{": 1, "}": -1}.get(self.text[i], 0)
            i += 1
        return params, self.text[match.end():i - 1]

    @staticmethod
    def _skip_literal(text, i):
        """Index after the one-line literal starting at text[i] == '"', interpolations included."""
        i += 1
        while text[i] != '"':
            if text.startswith("\\(", i):
                i = _Swift._matching(text, i + 1) + 1
            else:
                i += 2 if text[i] == "\\" else 1
        return i + 1

    @staticmethod
    def _matching(text, i):
        """Index of the ')' closing the '(' at text[i], skipping literals inside."""
        depth = 0
        while True:
            c = text[i]
            if c == '"':
                i = _Swift._skip_literal(text, i)
                continue
            depth += {"(": 1, ")": -1}.get(c, 0)
            if depth == 0:
                return i
            i += 1

    def call(self, name, args):
        params, body = self.function(name)
        env = dict(zip(params, args))
        body = body.strip()
        # `let x = expr` lines, then `return expr` (or a single expression).
        while body.startswith("let "):
            line, body = body.split("\n", 1)
            var, expr = line[4:].split("=", 1)
            env[var.strip()] = self.expression(expr.strip(), env)
            body = body.strip()
        if body.startswith("return "):
            body = body[len("return "):]
        return self.expression(body, env)

    def expression(self, expr, env):
        expr = expr.strip()
        parts, i = [], 0
        while i < len(expr):
            if expr.startswith('"""', i):
                start = expr.index("\n", i) + 1
                end = expr.index('"""', start)
                parts.append(self.multiline(expr[start:end], env))
                i = end + 3
            elif expr.startswith('#"', i):
                end = expr.index('"#', i + 2)
                parts.append(expr[i + 2:end])
                i = end + 2
            elif expr[i] == '"':
                end = self._skip_literal(expr, i)
                parts.append(self.interpolate(expr[i + 1:end - 1], env))
                i = end
            elif expr[i] in " \n+":
                i += 1
            else:
                match = re.match(r"[A-Za-z_][\w.]*", expr[i:])
                if not match:
                    raise ValueError(f"cannot read Swift expression: {expr[i:i + 60]!r}")
                word = match.group(0)
                i += len(word)
                if i < len(expr) and expr[i] == "(":
                    close = self._matching(expr, i)
                    args = [self.expression(a, env) for a in self._split_args(expr[i + 1:close])]
                    parts.append(self.apply(word, args, env))
                    i = close + 1
                else:
                    parts.append(self.value(word, env))
        return "".join(parts)

    def _split_args(self, text):
        args, depth, start, i = [], 0, 0, 0
        while i < len(text):
            if text[i] == '"':
                i = self._skip_literal(text, i)
                continue
            if text[i] in "([":
                depth += 1
            elif text[i] in ")]":
                depth -= 1
            elif text[i] == "," and depth == 0:
                args.append(text[start:i])
                start = i + 1
            i += 1
        if text[start:].strip():
            args.append(text[start:])
        return args

    def apply(self, word, args, env):
        if word == "dialect.bytewise":
            return self.bytewise(args[0])
        return self.call(word, args)

    def value(self, word, env):
        if word in env:
            return env[word]
        if word in self.constants:
            return self.constants[word]
        if word == "dialect":
            return self.dialect
        raise ValueError(f"unknown Swift name {word!r} in {SOURCE}")

    def bytewise(self, expression):
        _, body = self.function("bytewise")
        case = re.search(r"case \." + self.dialect + r": (.*)", body).group(1)
        return self.expression(case, {"expression": expression})

    def interpolate(self, literal, env):
        out, i = [], 0
        while i < len(literal):
            if literal.startswith("\\(", i):
                close = self._matching(literal, i + 1)
                out.append(self.expression(literal[i + 2:close], env))
                i = close + 1
            elif literal[i] == "\\":
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}[literal[i + 1]])
                i += 2
            else:
                out.append(literal[i])
                i += 1
        return "".join(out)

    def multiline(self, body, env):
        """A Swift multi-line literal: indentation of the closing delimiter removed, `\\` joins lines."""
        lines = body.split("\n")
        indent = len(lines[-1])
        text = "\n".join(line[indent:] for line in lines[:-1])
        return self.interpolate(text.replace("\\\n", ""), env)


def status_columns() -> str:
    """`SinkSQL.statusColumns`: the message_status columns the sinks write, in their order."""
    text = SOURCE.read_text()
    match = re.search(r'static let statusColumns = """\n(.*?)\n\s*"""', text, re.S)
    if not match:
        raise ValueError(f"SinkSQL.statusColumns not found in {SOURCE}")
    return " ".join(match.group(1).replace("\\\n", " ").split())


def status_conflict_clause(dialect: str) -> str:
    """`SinkSQL.statusConflictClause(.sqlite)` (or `.postgres`), as the sink sends it."""
    return _Swift(dialect).call("statusConflictClause", [dialect])


if __name__ == "__main__":
    print(status_conflict_clause(sys.argv[1]), end="")
