from django import template

from ..selectors import credit_records_for
from ..services.personal import complaint_personal_data

register = template.Library()


@register.simple_tag
def reporter_data(complaint, user) -> dict:
    """Full for the handling unit (audited by the service), masked for everyone else."""
    return complaint_personal_data(complaint=complaint, user=user)


@register.simple_tag
def enterprise_credit(enterprise, user):
    return credit_records_for(enterprise, user)[:50]
