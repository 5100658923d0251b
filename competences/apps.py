from django.apps import AppConfig


class CompetencesConfig(AppConfig):
    name = "competences"
    verbose_name = "The five core e-competences"
