# A month and day as Chinese writes them (11月9日); Django's "m月j日" pads
# the month with a zero (09月5日). The rest is Django's.
MONTH_DAY_FORMAT = "n月j日"
