# web-customers: the customer list and the customer-360 page (custval-web, pages/customers.rs).

## Labels (`Msg` keys in custval-web's i18n.rs)
web-MonthlySpend = Monthly spend, last 24 months
web-MonthlySpendDesc = Net spend per calendar month (returns deducted); months without orders are at zero.
web-Month = Month
web-NetSpend = Net spend
web-OrderLines = Order lines
web-TierStrip = Tier in each run, oldest first
web-PersonalData = Personal data
web-PersonalUnavailable = unavailable (the server has no key for it)
web-NoSpend = No orders in these 24 months.

## Sentences with figures
web-cust-spend-total = Total over the { $months } months: { $total }
web-cust-month-spend = { $month }: { $amount }
web-cust-strip-cell = Run { $run } · { $date } · tier { $tier } · score { $score }
web-cust-erased-on = erased on { $date }
web-cust-provisional = provisional as of { $date } (run { $run }: tier { $tier })
web-cust-formula = score = { $cw } × current value score ({ $vs }) + { $pw } × potential score ({ $ps }) = { $s }; each indicator's points = 100 × weight × normalized value × dimension weight

## How an indicator was normalized (the English pages show custval-app's own sentence)
web-cust-how = { $norm }, { $direction }; { $missing }
web-cust-how-excluded = excluded from this run: { $why }; its weight went to the other indicators of its dimension
web-cust-how-no-values = no customer has a value
web-cust-how-same-value = every customer has the same value { $value }
web-cust-norm-minmax = min-max between { $lo } and { $hi } (1st–99th percentile)
web-cust-norm-log = min-max of ln(1+x) between { $lo } and { $hi }
web-cust-norm-rank = percentile rank among { $known } customers
web-cust-norm-z = normal CDF of the z-score (mean { $mean }, sd { $sd })
web-cust-norm-none = taken as is (0–1)
web-cust-missing-imputed = missing → { $value }
web-cust-missing-zero = missing → 0
web-cust-missing-median = missing → the median
web-cust-missing-min = missing → the minimum
web-cust-missing-worst = missing → no points
web-cust-missing-exclude = missing → left out

## Sales channels (the `channel` column; other values are shown as given)
web-cust-channel-direct = direct
web-cust-channel-distributor = distributor
web-cust-channel-online = online
web-cust-channel-tender = tender
web-cust-channel-store = store
web-cust-channel-web = web
web-cust-channel-phone = phone
web-cust-channel-email = e-mail
web-cust-channel-retail = retail
web-cust-channel-wholesale = wholesale
web-cust-channel-partner = partner
web-cust-channel-offline = offline
