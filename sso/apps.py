from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Single sign-on"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from sso.receivers import provision_on_login

        user_logged_in.connect(provision_on_login, dispatch_uid="sso.provision_on_login")
