"""Fields whose required-ness depends on another answer (the recipient chosen, the action...).

The portal marks optional fields « (Optionnel) » (DSFR_MARK_OPTIONAL_FIELDS). A field that the
checks require only in some cases is declared here with the same rule the checks apply, so that
its label says « (Optionnel) » exactly when it may be left empty: on the page as rendered (``now``)
and, with ``static/js/required-when.js``, as soon as the controlling answer changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

TEMPLATE = "portal/field_required_when.html"


def required_when(
    field: forms.Field,
    *,
    controller: str = "",
    values: Iterable[str] = (),
    unless: bool = False,
    now: bool = False,
) -> None:
    """Label ``field`` as required when the form's ``controller`` field has one of ``values``
    (none of them with ``unless``); ``now`` is the state of the page as rendered. Without a
    controller, a script sets the state (``window.chorusRequired.set``)."""
    values = [str(v) for v in values]
    field.template_name = TEMPLATE
    _set_now(field, now)
    if controller:
        field.widget.attrs["data-required-when"] = controller
        field.widget.attrs["data-required-values"] = " ".join(values)
        if unless:
            field.widget.attrs["data-required-unless"] = ""


def required_now(form: forms.Form, name: str, value: str | None) -> bool:
    """The server-side state of a field declared with a controller, from the form's current
    value of that controller (bound data, or initial)."""
    field = form.fields[name]
    values = field.widget.attrs.get("data-required-values", "").split()
    hit = (value or "") in values
    return not hit if "data-required-unless" in field.widget.attrs else hit


def refresh_required(form: forms.Form) -> None:
    """Set ``now`` of every controlled field from the form's current answers."""
    for name, field in form.fields.items():
        controller = field.widget.attrs.get("data-required-when")
        if not controller or controller not in form.fields:
            continue
        if form.is_bound:
            value = form.data.get(form.add_prefix(controller))
        else:
            value = form.initial.get(controller, form.fields[controller].initial)
        _set_now(field, required_now(form, name, str(value) if value is not None else ""))


def set_required_now(form: forms.Form, name: str, now: bool) -> None:
    """The state of a field without controller, known to the view (e.g. the recipient's rules)."""
    _set_now(form.fields[name], now)


def _set_now(field: forms.Field, now: bool) -> None:
    field.required_now = now  # type: ignore[attr-defined]
    if now:
        field.widget.attrs["aria-required"] = "true"
    else:
        field.widget.attrs.pop("aria-required", None)
