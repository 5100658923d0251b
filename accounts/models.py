import datetime
import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@functools.cache
def known_time_zones() -> frozenset[str]:
    # Reading the zone files is slow; they do not change while the process runs.
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            _("%(value)s is not a known time zone (e.g. Europe/Rome)."), params={"value": value}
        )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    A user with no membership is a self-paced trainee; a membership gives a
    role inside one organisation. Platform administrators are staff users.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Blank: the browser's language, then the organisation's default.
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.UN_LANGUAGES,
        blank=True,
        default="",
    )
    # Nudge kind -> "email" (e-mail and in-app), "in_app" or "off"; a kind not
    # listed gets e-mail and in-app.
    nudge_preferences = models.JSONField(default=dict, blank=True)
    # The hour of the morning or day, local, at which the daily digest of
    # discussion messages goes out: never in the quiet hours (20:00 to 08:00).
    digest_hour = models.PositiveSmallIntegerField(
        _("daily digest hour"),
        default=8,
        validators=[MinValueValidator(8), MaxValueValidator(19)],
        help_text=_("The local hour the daily digest is sent, from 8 to 19."),
    )
    is_staff = models.BooleanField(
        _("platform administrator"),
        default=False,
        help_text=_("Can use the admin site and see every organisation."),
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            # allauth looks addresses up case-insensitively; so does the database.
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            # Never in the quiet hours, whoever writes the row.
            models.CheckConstraint(
                condition=models.Q(digest_hour__gte=8, digest_hour__lte=19),
                name="user_digest_hour_outside_quiet_hours",
            ),
        ]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def nudge_channel(self, kind: str) -> str:
        return self.nudge_preferences.get(kind, "email")

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    def organisation_language(self) -> str | None:
        """The default language of the organisation the person joined first (one query)."""
        return (
            self.memberships.order_by("created_at", "pk")
            .values_list("organisation__default_language", flat=True)
            .first()
        )

    def language_for_mail(self) -> str:
        """The language of what is sent to this person, whoever sends it.

        Their own choice, else their organisation's default, else English: no
        browser is there to ask.
        """
        enabled = dict(settings.LANGUAGES)
        for language in (self.language, self.organisation_language()):
            if language in enabled:
                return language
        return settings.LANGUAGE_CODE

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def mail_language(
    *, email: str, organisation: "Organisation | None" = None, chosen: str = ""
) -> str:
    """The language of an e-mail to an address, whoever sends it: the one chosen
    for it (an invitation's), else the language of the person who uses the
    address, else the organisation's default, else English."""
    enabled = dict(settings.LANGUAGES)
    if chosen in enabled:
        return chosen
    person = User.objects.filter(email__iexact=email).first()
    if person is not None:
        return person.language_for_mail()
    if organisation is not None and organisation.default_language in enabled:
        return organisation.default_language
    return settings.LANGUAGE_CODE


class Organisation(models.Model):
    """A ministry of foreign affairs or a foreign service."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    country = models.CharField(max_length=100, help_text=_("The country the organisation serves."))
    default_language = models.CharField(
        _("default language"),
        max_length=8,
        choices=settings.UN_LANGUAGES,
        default="en",
        help_text=_(
            "The interface and e-mails speak it to members who have chosen no language "
            "and whose browser asks for none we offer."
        ),
    )
    nudges_paused_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "Reminders to this organisation's people wait until then (a crisis, a summit)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        TRAINEE = "trainee", _("Trainee")
        TRAINER = "trainer", _("Trainer")
        ORG_ADMIN = "org_admin", _("Organisation administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.TRAINEE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_user_and_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["trainee", "trainer", "org_admin"]),
                name="membership_role_known",
            ),
        ]
        indexes = [
            # Serves "the trainers / admins of this organisation" lists.
            models.Index(fields=["organisation", "role"], name="membership_org_role_idx"),
        ]

    # Who may train a cohort of the organisation.
    TRAINING_ROLES = (Role.TRAINER, Role.ORG_ADMIN)

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class AuditEvent(models.Model):
    """A consequential action: who did what to what, and when. Never edited."""

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit"
    )
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Serves an organisation's audit log, newest first.
            models.Index(fields=["organisation", "-created_at"], name="audit_org_recent_idx"),
        ]

    def __str__(self):
        return f"{self.actor} {self.action} {self.target}"


class OrganisationInvitation(models.Model):
    """An invitation to take a role in an organisation, which the person accepts.

    Nobody becomes a member of an organisation without saying yes: an address
    with an account and one without are invited alike, so the people page
    never tells an administrator which addresses have accounts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Membership.Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(help_text=_("When the invitation was last (re-)sent."))
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the mail server last accepted its e-mail.")
    )
    send_count = models.PositiveSmallIntegerField(default=1)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(status="pending"),
                name="org_invitation_one_pending_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["trainee", "trainer", "org_admin"]),
                name="org_invitation_role_known",
            ),
        ]

    def __str__(self):
        return f"{self.email} to {self.organisation}"

    def expires_at(self):
        return self.sent_at + datetime.timedelta(days=settings.INVITATION_DAYS)

    def is_expired(self, now) -> bool:
        return now > self.expires_at()


class InvitationEmail(models.Model):
    """One invitation e-mail that went out, to any kind of invitation: the
    ledger that caps how many one address receives a day, whoever sends them."""

    email = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Serves the daily cap: one address's invitation e-mails of the last day.
            models.Index(fields=["email", "sent_at"], name="invitation_email_day_idx"),
        ]

    def __str__(self):
        return f"Invitation e-mail to {self.email} at {self.sent_at:%Y-%m-%d %H:%M}"
