# What the engine notes about a run (custval_i18n::Note), rendered when the run is read.
# Arguments are numbers already formatted, dates, names, or other notes.

note-na = n/a

## Weights
note-prior-ahp = AHP, CR = { $cr }
note-prior-expert = expert
note-prior-equal = equal
note-objective-entropy = entropy
note-objective-critic = CRITIC
note-weights-entropy = entropy weights from this run's normalized data
note-weights-critic = CRITIC weights from this run's normalized data
note-weights-combined = { $alpha } × ({ $prior }) + { $rest } × { $objective } weights from this run's data
note-weights-not-calibrated = { $prior } (not calibrated)
note-weights-excluded = { $note }; excluded (no variation in this run, weight spread over the others in proportion): { $names }
note-dimension-current = current-value
note-dimension-potential = potential
note-dimension-weights = { $dimension } weights: { $note }
note-calibrated = calibrated: { $alpha } × ({ $prior }) + { $rest } × weights fitted as of { $as_of } to rank the net spend of the following { $days } days; { $check }
note-calibration-kept-prior = { $prior } (calibration did not beat these weights out of time, so they are used unchanged); { $check }
note-calibration-check = out-of-time check (weights fitted as of { $fit_as_of }, spend of the { $days } days after { $check_as_of }): Gini { $prior_gini } with the prior weights, { $calibrated_gini } calibrated
note-calibration-failed = { $prior } (not calibrated: { $why })
note-calibration-nothing-to-rank = { $prior } (not calibrated: nothing to rank)

## Indicators
note-indicator-excluded = indicator { $name } excluded from this run: { $why }
note-indicator-no-value = no customer has a value (missing rule { $rule } applied to all { $customers })
note-indicator-same-value = every customer has the same value { $value }
note-indicator-same-value-known = every customer has the same value { $value } ({ $known } known, the rest imputed or excluded)
note-missing-zero = zero
note-missing-median = median
note-missing-min = min
note-missing-worst = worst
note-missing-exclude = exclude

## CLV
note-clv-too-few = CLV not fitted: { $customers } customers with purchases (at least 10 needed)
note-clv-few-repeaters = CLV not fitted: { $repeaters } of { $customers } customers bought more than once (at least { $min } needed); without repeat purchases the purchase models cannot tell a customer who will buy again from one who has gone
note-clv-no-holdout = holdout check skipped: too little history before the calibration end
note-clv-alive-from-other = { $model } gives P(alive) = 1 by construction to customers without a repeat purchase; their P(alive) is { $other }'s
note-clv-alive-hidden = P(alive) is not shown: the { $model } fit expects { $share } % of customers to have left within the { $days } days observed, so this history does not tell whether a quiet customer has gone (usual for a base observed for about a year); the lifecycle stage, judged against each customer's purchase rhythm, says who is lapsing
note-clv-not-converged = { $model } fit did not converge (gradient norm { $norm }); predictions are from the best point found
note-clv-no-cogs = no cost of goods in the transactions: CLV is on revenue (margin 1.0)
note-clv-model-failed = CLV model { $model } not fitted: { $error }
note-clv-spend-failed = Gamma-Gamma spend model not fitted ({ $error }): expected spend is each customer's mean repeat spend

## Classes
note-tiers-failed = tiers: every customer is C ({ $error })
note-clusters-too-few = behavioural clusters not computed: too few buyers or unknown cluster features
note-clusters-failed = behavioural clusters not computed: { $error }
note-budget-failed = budget not allocated: { $error }
