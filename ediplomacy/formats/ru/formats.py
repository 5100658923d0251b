# Day and month in the genitive ("9 декабря"), as Russian writes a date;
# Django's own "j F" gives the nominative ("9 Декабрь"). The rest is Django's.
MONTH_DAY_FORMAT = "j E"
