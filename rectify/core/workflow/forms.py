"""The base of every step's form: the step's own fields only, shape-checked; whether the step is
allowed is the declaration's business (`engine.perform`)."""
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.builders import BootstrapFormMixin


class StepForm(BootstrapFormMixin, forms.Form):
    """`obj` is the record the step works on (for initial values and choices), `user` who takes it."""

    def __init__(self, *args: Any, obj: Any = None, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.obj = obj
        self.user = user
        self.setup()
        self._style()

    def setup(self) -> None:
        """Hook for subclasses: narrow choices, set initial values."""

    def values(self) -> dict[str, Any]:
        """The values the user gave: an empty optional field is left out, so that the step applies
        its own default (today's date, the amount already on record...)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class EmptyForm(StepForm):
    """A step with nothing to enter (审核, 发布, 接收...): the button is the form."""


class ReasonForm(StepForm):
    reason = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
