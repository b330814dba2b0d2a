from app.demo_data import forms_with_samples, sample
from app.forms import list_forms, validate


def test_every_form_has_a_valid_sample():
    assert forms_with_samples() == sorted(list_forms())
    for form in forms_with_samples():
        assert validate(form, sample(form)) == [], form
