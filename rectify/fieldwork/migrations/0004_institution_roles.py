# What a directory body does becomes two flags (tests, certifies) instead of one kind (0005 drops it).
#
# A body that both tests and certifies could only be entered twice before, once per kind, under the
# same accreditation number (unique per kind). The number is now unique on its own: such rows are
# merged into the oldest, which keeps both roles, and what named the others (samples, export
# checks, certificate checks) names it instead.

from django.db import migrations, models

ROLE = {"testing": "is_testing_lab", "certification": "is_certification_body"}
KIND_LABEL = {"testing": "检验检测机构", "certification": "认证机构"}


def roles_from_kind(apps, schema_editor):
    Institution = apps.get_model("fieldwork", "TestingInstitution")
    for kind, flag in ROLE.items():
        Institution._base_manager.filter(kind=kind).update(**{flag: True})
    numbers = (Institution._base_manager.exclude(accreditation_number="").values("accreditation_number")
               .annotate(n=models.Count("pk")).filter(n__gt=1).values_list("accreditation_number", flat=True))
    # include_hidden: the certificate checks' link has no reverse name ("+")
    references = [(rel.related_model, rel.field.name) for rel in Institution._meta.get_fields(include_hidden=True)
                  if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)]
    for number in list(numbers):
        kept, *others = Institution._base_manager.filter(accreditation_number=number).order_by("pk")
        notes = [kept.notes] if kept.notes else []
        for other in others:
            for flag in ROLE.values():
                if getattr(other, flag):
                    setattr(kept, flag, True)
            for model, field in references:
                model._base_manager.filter(**{field: other.pk}).update(**{field: kept.pk})
            notes.append(f"（名录调整：并入原按{KIND_LABEL.get(other.kind, other.kind)}另行登记的“{other.name}”。）")
            other.delete()
        kept.notes = "\n".join(notes)
        kept.save(update_fields=[*ROLE.values(), "notes"])


def kind_from_roles(apps, schema_editor):
    # Back to one kind: a body that does both is kept as a testing lab (what samples ask of it).
    Institution = apps.get_model("fieldwork", "TestingInstitution")
    Institution._base_manager.filter(is_testing_lab=True).update(kind="testing")
    Institution._base_manager.filter(is_testing_lab=False).update(kind="certification")


class Migration(migrations.Migration):

    dependencies = [
        ('fieldwork', '0003_past_dates_not_future'),
        # the certificate checks name directory bodies too: merged rows are repointed there as well
        ('targeting', '0002_list_ordering_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='testinginstitution',
            name='is_certification_body',
            field=models.BooleanField(default=False, help_text='从事认证，可颁发认证证书', verbose_name='认证机构'),
        ),
        migrations.AddField(
            model_name='testinginstitution',
            name='is_testing_lab',
            field=models.BooleanField(default=False, help_text='从事检验检测，可选作抽检样品的检验机构', verbose_name='检验检测机构'),
        ),
        migrations.RemoveConstraint(
            model_name='testinginstitution',
            name='institution_accreditation_unique',
        ),
        # The schema changes that follow the data are 0005's: PostgreSQL does not alter a table
        # with row checks pending from the merges in the same transaction.
        migrations.RunPython(roles_from_kind, kind_from_roles),
    ]
