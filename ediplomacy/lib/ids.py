def parse_id(value: object) -> int | None:
    """A positive database id from request data, or None for anything else.

    `str.isdigit` accepts characters such as "²" that `int` refuses, so ids
    are checked as ASCII digits.
    """
    text = str(value or "")
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text) or None
    return None
