"""Parses expositions from stdin with prometheus_client's parsers and prints their samples as JSON.

Usage: parse_exposition.py text|openmetrics|both
  text, openmetrics: stdin is one exposition.
    Output: {"families": [{"name", "type", "help", "samples": [{"name", "labels", "value", "timestamp", "exemplar"}]}]},
    where "exemplar" is null or {"labels", "value", "timestamp"};
    a parse error exits 1 with the message on stderr.
  both: stdin is a decimal byte count and a newline, that many bytes of a text-format exposition, then an OpenMetrics
    exposition (one Python start for both parsers). Output: {"text": R, "openmetrics": R}, where R is
    {"families": [...]} or {"error": "message"}; exits 0.
Values are printed with repr() so that +Inf, -Inf and NaN survive as strings. Each exposition is decoded as strict UTF-8.
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families as parse_text
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics


def number(value):
    return repr(float(value))


def timestamp(ts):
    if ts is None:
        return None
    if hasattr(ts, "sec"):
        return f"{ts.sec}.{ts.nsec:09d}"
    return repr(float(ts))


def exemplar(e):
    if e is None:
        return None
    return {"labels": e.labels, "value": number(e.value), "timestamp": timestamp(e.timestamp)}


def parse(data, parser):
    families = []
    for family in parser(data.decode("utf-8")):
        families.append({
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "samples": [
                {"name": s.name, "labels": s.labels, "value": number(s.value), "timestamp": timestamp(s.timestamp),
                 "exemplar": exemplar(getattr(s, "exemplar", None))}
                for s in family.samples
            ],
        })
    return {"families": families}


def attempt(data, parser):
    try:
        return parse(data, parser)
    except Exception as error:  # noqa: BLE001 - any parser complaint is the answer
        return {"error": f"{type(error).__name__}: {error}"}


def main():
    fmt = sys.argv[1]
    data = sys.stdin.buffer.read()
    if fmt == "both":
        header, rest = data.split(b"\n", 1)
        length = int(header)
        result = {"text": attempt(rest[:length], parse_text), "openmetrics": attempt(rest[length:], parse_openmetrics)}
    else:
        result = attempt(data, parse_openmetrics if fmt == "openmetrics" else parse_text)
        if "error" in result:
            print(result["error"], file=sys.stderr)
            sys.exit(1)
    # ASCII-only JSON (\uXXXX escapes, surrogate pairs for astral characters): independent of the locale's encoding.
    json.dump(result, sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
