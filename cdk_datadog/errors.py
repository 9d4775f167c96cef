"""The base of the errors cdk-datadog raises on purpose.

Each error is also the built-in kind it is (an option or a template is a `ValueError`, a
missing extra an `ImportError`), so existing handlers keep working; `DatadogError` catches
them all.
"""


class DatadogError(Exception):
    """Something the user can fix: the message names it (an option, a function, a file) and
    says what to do."""
