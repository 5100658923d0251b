# English dates as the product has always written them (29 November 2026),
# not Django's American default; every other language keeps Django's own.
# Templates name these formats (date:"DATE_FORMAT") instead of a pattern, so
# each language writes dates its own way.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
