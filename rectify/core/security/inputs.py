"""Request input that the database cannot hold must be refused (400, a form error) or ignored, never
reach a query and fail there with a 500.

Django already turns an integer no column can hold into "no match" for exact/gt/gte/lt/lte
(IntegerFieldOverflow); `in` is the exception, and SQLite's driver then raises OverflowError. Every
model-choice form field and filter checks the ids it was sent with `pk__in`, so one huge id in a
multiple-choice filter (`?violation_types=1180591620717411303424`) was a server error."""
from __future__ import annotations

from django.db import models
from django.db.models.lookups import In

# The range of the widest integer column (bigint); ids and page numbers are bounded by it.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def parse_int(value: object, default: int | None = None, *, minimum: int = INT64_MIN,
              maximum: int = INT64_MAX) -> int | None:
    """`value` (a query or form parameter) as an integer in [minimum, maximum], else `default`.
    Callers must not test str.isdigit() first: it accepts "²", which int() refuses."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return default
    return number if minimum <= number <= maximum else default


class IntegerIn(In):
    """`in` on an integer column leaves out the values the column cannot hold, as Django's other
    integer lookups do: they match nothing, so a model-choice field answers "not a valid choice"."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [v for v in self.rhs if not isinstance(v, int)
                        or ((low is None or v >= low) and (high is None or v <= high))]
        return super().process_rhs(compiler, connection)


def install() -> None:
    models.IntegerField.register_lookup(IntegerIn)
