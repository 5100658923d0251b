# Django's Arabic formats name no date with a time: without these, a moment
# would fall back to the American "N j, Y, P" ("نوفمبر 29, 2026, 5:30 م").
# They join its own date and time ("29 نوفمبر، 2026، 5:30 م").
DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y g:i A"
