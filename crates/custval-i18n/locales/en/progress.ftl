# Progress bars on a terminal (custval-cli's progress.rs): commands, phases, steps, units.

progress-eta = eta

## Commands heading a bar
progress-cmd-import = import
progress-cmd-evaluate = evaluate
progress-cmd-customers = customers
progress-cmd-report = report

## Phases
progress-reading = reading
progress-writing = writing
progress-provisional = provisional update
progress-listing = listing
progress-reading-results = reading results
progress-backtest = backtest
progress-runs-alerts = runs and alerts
progress-building = building
progress-generating = generating

## Evaluation steps
progress-step-load = load
progress-step-calibrate = calibrate weights
progress-step-features = features
progress-step-clv = CLV fit
progress-step-key-accounts = key accounts
progress-step-scores = scores
progress-step-classes = classes
progress-step-alerts = alerts
progress-step-done = { $prefix }: { $step }  { $seconds } s
progress-step-write = write

## What a bar counts, and what a phase is doing
progress-unit-customers = customers
progress-unit-results = results
progress-msg-rows = { $rows } rows
progress-msg-customers = { $customers } customers
progress-msg-run = run { $run }, { $customers } customers
progress-msg-rows-to = { $rows } rows to { $path }
progress-msg-horizon = horizon { $days } days
