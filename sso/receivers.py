"""After a log-in through an organisation's identity provider: membership."""

from sso import selectors, services


def provision_on_login(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        return
    provider = selectors.identity_provider_of_app(app_id=sociallogin.provider.app.pk)
    if provider is None:
        return
    services.sso_member_sync(
        provider=provider, user=user, groups=provider.groups_in(sociallogin.account.extra_data)
    )
