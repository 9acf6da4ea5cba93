"""Parses an exposition from stdin with prometheus_client's parsers and prints its samples as JSON.

Usage: parse_exposition.py text|openmetrics
Output: {"families": [{"name", "type", "help", "samples": [{"name", "labels", "value", "timestamp"}]}]}
Values are printed with repr() so that +Inf, -Inf and NaN survive as strings; a parse error exits 1 with the message.
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


def main():
    fmt = sys.argv[1]
    text = sys.stdin.buffer.read().decode("utf-8")
    parser = parse_openmetrics if fmt == "openmetrics" else parse_text
    try:
        families = []
        for family in parser(text):
            families.append({
                "name": family.name,
                "type": family.type,
                "help": family.documentation,
                "samples": [
                    {"name": s.name, "labels": s.labels, "value": number(s.value), "timestamp": timestamp(s.timestamp)}
                    for s in family.samples
                ],
            })
    except Exception as error:  # noqa: BLE001 - any parser complaint is the answer
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump({"families": families}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
