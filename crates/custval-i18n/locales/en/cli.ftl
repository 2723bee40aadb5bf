# The command line's own texts: customer show, tables, notes and common errors.
# Messages trim their ends; code adds the spaces and line breaks around them.

## customer show

cli-show-run = (run { $run } as of { $as_of })
cli-show-tier-line = tier { $tier }  ·  { $class }  ·  { $stage }  ·  score { $score } (current value { $value }, potential { $potential })
cli-show-figures = CLV 12m { $clv }  ·  P(alive) { $p_alive }  ·  12-month spend { $spend }
cli-show-p-alive-unidentified = P(alive) not shown: the purchase model found no drop-out in this history, so it cannot tell whether a quiet customer has gone; the lifecycle stage judges recency against the purchase rhythm
cli-show-clv-explained = CLV explained
cli-show-profit = Profit, 12 months to { $as_of }
cli-show-profit-no-cogs = — (no cost of goods)
cli-show-profit-no-data = — (no data, not deducted)
cli-show-provisional-alert = provisional alert ({ $severity }): { $rule } { $explain }
cli-show-override = OVERRIDE: tier { $tier } (computed { $computed }) by { $author }: { $reason }
cli-show-override-until = {" "}until { $until }
cli-show-why-score = Why this score
cli-show-score-formula = score = { $cw } × current value score ({ $value }) + { $pw } × potential score ({ $potential }) = { $score }; each indicator's points = 100 × weight × normalized value × dimension weight
cli-show-why-classes = Why these classes
cli-show-tier = tier
cli-show-actions = Recommended actions
cli-show-none = (none)
cli-show-because = because { $reason }
cli-show-risk = Risk: { $level }
cli-show-wallet = Wallet ({ $source }): { $explain }
cli-show-wallet-known = known
cli-show-wallet-peers = peers
cli-show-wallet-none = none
cli-show-cross-sell = Cross-sell
cli-show-swot = SWOT suggestions (from the data; `custval plan show` to keep them in a plan)
cli-swot-strength = Strength
cli-swot-weakness = Weakness
cli-swot-opportunity = Opportunity
cli-swot-threat = Threat
cli-show-tier-history = Tier history: { $history }

cli-col-indicator = indicator
cli-col-dimension = dimension
cli-col-raw = raw
cli-col-normalized = normalized
cli-col-weight = weight
cli-col-points = points
cli-col-how = how

cli-how-excluded = excluded from this run; its weight went to the other indicators of its dimension
cli-how-minmax = min-max between { $lo } and { $hi } (1st–99th percentile)
cli-how-log-minmax = min-max of ln(1+x) between { $lo } and { $hi }
cli-how-rank = percentile rank among { $n } customers
cli-how-zscore = normal CDF of the z-score (mean { $mean }, sd { $sd })
cli-how-as-is = taken as is (0–1)
cli-how-benefit = more is better
cli-how-cost = less is better
cli-how-missing-value = missing → { $value }
cli-how-missing-zero = missing → zero
cli-how-missing-median = missing → median
cli-how-missing-min = missing → min
cli-how-missing-worst = missing → worst
cli-how-missing-exclude = missing → exclude

cli-contact = Contact
cli-contact-phone = phone
cli-contact-email = e-mail
cli-contact-unavailable = unavailable (encrypted; see the note on stderr)
cli-contact-forgotten = Personal data erased on { $at } (customer forget); history kept

## Quarantine reasons (the English text is the reader's own sentence, see custval-ingest)

cli-reason-missing = missing { $column }
cli-reason-bad-date = bad date in { $column }: "{ $value }" is not a date (expected e.g. 2024-01-31, 2024/1/31, 20240131, 2024年1月31日 or an Excel serial)
cli-reason-bad-number = bad number in { $column }: "{ $value }" is not a number (expected e.g. 1234.5, 1,234.50, ¥1,234, (120.00) or -120)
cli-reason-bad-value = bad value in { $column }: { $value }
cli-reason-date-for-number = bad value in { $column }: a date ({ $date }) where a number is expected
cli-reason-date-for-text = bad value in { $column }: a date ({ $date }) where a text is expected
cli-reason-cell-error = cell error in { $column }: { $error }
cli-reason-not-a-month = { $column } "{ $value }" is not a month (expected e.g. 2024-07)
cli-reason-neither-given = neither { $first } nor { $second } is given
cli-reason-out-of-range = { $column } { $value } is outside { $low }..{ $high }
cli-reason-not-yes-no = { $column } "{ $value }" is not yes/no (true/false, 是/否)
cli-reason-contract-ends-before-start = the contract ends before it starts
cli-reason-due-before-invoice = the due date is before the invoice date

## Errors and notes

cli-err-not-in-run = customer "{ $id }" is not in run { $run }
cli-err-no-usable-rows = { $file }: none of the { $read } rows could be used (first: line { $line }: { $reason }); see { $quarantine }
cli-note-rows-rejected = { $file }: { $rejected } of { $read } rows rejected (first: line { $line }: { $reason }); written to { $quarantine }

## customers list

cli-list-customer = customer
cli-list-name = name
cli-list-tier = tier
cli-list-class = class
cli-list-lifecycle = lifecycle
cli-list-score = score
cli-list-spend = spend 12m
cli-list-clv = CLV 12m
cli-list-p-alive = P(alive)
cli-list-tier-override = { $tier } (override)
cli-list-tier-provisional = { $tier } (provisional 临时)
cli-list-footer = run { $run } as of { $as_of }: { $shown } of { $total } matching customers shown (--limit, --format csv|xlsx --output FILE for all)
cli-list-provisional = { $n } shown customers carry provisional figures from an import since the run (临时结果); the next custval evaluate replaces them

## alerts

cli-alerts-left-out = { $shown } of { $total } alerts shown (the most severe, then the most money at stake); --all for every one
cli-alerts-none = no alerts in run { $run } as of { $as_of } (a run raises alerts against the previous run)
cli-alerts-title = Alerts of run { $run } as of { $as_of }, by severity then money at stake, grouped by customer
cli-alerts-customer = customer
cli-alerts-severity = severity
cli-alerts-at-stake = at stake
cli-alerts-rule = rule
cli-alerts-what = what happened
cli-alerts-action = suggested action
cli-alerts-id = id
cli-alerts-count = { $total } alerts

## evaluate

cli-run-line = run { $run } as of { $as_of }: { $customers } customers in { $seconds } s; tiers: { $tiers }
cli-run-value-classes = value classes: { $counts }
cli-run-lifecycle = lifecycle: { $counts }
cli-run-against = against run { $previous }: { $held } tier changes held back by hysteresis; alerts: { $alerts }
cli-run-no-alerts = none
cli-run-note = note: { $note }

## demo

cli-demo-generate = 1/5 generating a B2B company with { $customers } customers in { $dir }
cli-demo-init = 2/5 creating the workspace { $db }
cli-demo-import = 3/5 importing customers, transactions, costs, interactions, surveys, contracts, payments
cli-demo-evaluate = 4/5 evaluating every customer at each quarter end of the year to { $end }
cli-demo-reports = 5/5 writing the reports
cli-demo-report = Report: { $en }  (中文: { $zh })
cli-demo-continue = The workspace is { $db }; continue with, for example
cli-demo-install = (`cargo install --locked --path crates/custval-cli` puts custval on your PATH;
cli-demo-install-else = otherwise use `cargo run --release --` in its place):
cli-demo-edit = Edit { $config } to change indicators, weights, classes and playbooks.
cli-err-no-runs = the store has no evaluation run yet: run custval evaluate --as-of DATE first
cli-err-invalid = unknown { $what } "{ $value }"; valid: { $valid }
cli-what-tier = tier
cli-what-class = class
cli-what-alert-rule = alert rule
cli-what-severity = severity
cli-what-run = run
cli-what-migration-cell-tier = migration cell tier
cli-err-unknown-customer = unknown customer "{ $id }"
cli-err-no-store = no custval store at { $path }: run `custval init` first (or pass --db)
cli-err-run-not-found = run { $run } not found
cli-err-unknown-user = unknown user "{ $name }"
cli-err-weak-password = the password must have at least { $n } characters
cli-err-file-not-found = { $path }: no such file
cli-err-file-unreadable = { $path }: cannot read the file: { $why }
cli-serve-no-users = this store has no users yet, so nobody can sign in. Create the first admin in another terminal (the password is printed once; --password-stdin to type your own):
cli-demo-refuse = { $dir } holds { $plans ->
        [0] {""}
        [one] 1 saved account plan
       *[other] { $plans } saved account plans
    }{ $plans ->
        [0] {""}
       *[other] { $overrides ->
            [0] {""}
           *[other] {" "}and{" "}
        }
    }{ $overrides ->
        [0] {""}
        [one] 1 tier override in force
       *[other] { $overrides } tier overrides in force
    } that a new demo would erase; to keep them, run the demo in another folder (--dir) or copy the store first (custval --db { $db } backup FILE); --force starts afresh and loses them
