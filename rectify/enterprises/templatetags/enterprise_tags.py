from django import template

register = template.Library()


@register.simple_tag
def letters_for(enterprise, user):
    """The enterprise's letters the user may see: letters belong to a line of work."""
    return enterprise.letters.restrict(user, "view").select_related("unit")
