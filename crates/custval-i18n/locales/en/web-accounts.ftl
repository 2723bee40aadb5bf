# web-accounts: the alerts page, the key-accounts list, the key-account panel and the plan editor.

## Labels (Msg keys of custval-web's i18n.rs)
web-AlertOwner = Customer owner
web-AlertWhat = What happened
web-AlertAction = Suggested action
web-AlertsGrouped = Grouped by customer: customers in the order of their most severe alert, then the most money at stake.
web-PagesNav = Pages
web-DateHint = YYYY-MM-DD
web-SuggestionCode = code

## Alert evidence: the figure names of custval-dynamics' and the key-account rule's evidence
web-acc-ev-at_stake = At stake
web-acc-ev-at_stake_basis = Amount measured as
web-acc-ev-value = Customer value
web-acc-ev-material_value = Materiality threshold (customer value)
web-acc-ev-critical_at_stake = Critical from (at stake)
web-acc-ev-previous_tier = Previous tier
web-acc-ev-current_tier = Current tier
web-acc-ev-previous_class = Previous class
web-acc-ev-current_class = Current class
web-acc-ev-previous_score = Previous score
web-acc-ev-current_score = Current score
web-acc-ev-current = Now
web-acc-ev-previous = Before
web-acc-ev-change = Change
web-acc-ev-threshold = Threshold
web-acc-ev-max_relative_drop = Largest allowed drop
web-acc-ev-compared_with = Compared with
web-acc-ev-floor = Floor (days)
web-acc-ev-top_share = Top share
web-acc-ev-risk = Risk level

## What an alert's amount at stake measures (custval-dynamics' StakeBasis ids)
web-acc-basis-spend_12m_previous_run = 12-month spend at the previous run
web-acc-basis-spend_12m_previous_run_x_p_alive_fall = 12-month spend at the previous run × the fall in P(alive)
web-acc-basis-spend_fall = the fall in 12-month spend
web-acc-basis-spend_12m = 12-month spend
web-acc-basis-clv = CLV

## The period a spend drop is compared with
web-acc-base-previous_12_months = the previous 12 months
web-acc-base-previous_run = the 12 months before the previous run

## The figures behind SWOT suggestions (custval-accounts' swot module)
web-acc-figure-gross_margin_percentile = gross margin percentile
web-acc-figure-tenure_days = days as a customer
web-acc-figure-nps = NPS score
web-acc-figure-csat = satisfaction score
web-acc-figure-net_contribution_12m = 12-month net contribution
web-acc-figure-clv_12m = 12-month CLV
web-acc-figure-avg_payment_delay_days = average payment delay (days)
web-acc-figure-payment_delay_trend_days = change in payment delay (days)
web-acc-figure-sales_cost_share = sales cost share of revenue
web-acc-figure-service_cost_share = service cost share of revenue
web-acc-figure-share_of_wallet = share of wallet
web-acc-figure-peer_penetration = peer penetration
web-acc-figure-rule_confidence = association rule confidence
web-acc-figure-p_alive_drop = fall in P(alive)
web-acc-figure-satisfaction_drop = fall in satisfaction
web-acc-figure-spend_drop = fall in spend
web-acc-figure-complaints_12m = complaints in 12 months

## Plan problems for Chinese pages (English pages print custval-accounts' own PlanError messages,
## as the CLI does; these are the fallback), fields by position (1 = the first line)
web-acc-field-next_review = Next review
web-acc-field-goal = Goal { $n }
web-acc-field-action-date = Date of action { $n }
web-acc-field-swot = { $quadrant } line { $n }
web-acc-plan-bad-date = { $field }: “{ $value }” is not a date written YYYY-MM-DD
web-acc-plan-empty-action = Action { $n } has no text
web-acc-plan-blank = { $field } is blank
web-acc-plan-review-before = The next review { $review } is before the last action on { $last }
web-acc-plan-no-customer = The plan names no customer
