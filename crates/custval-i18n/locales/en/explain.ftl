# Explanations the engine writes (alerts, actions, plans, classification rules).
# Arguments are passed already formatted (money with its currency, shares as percentages),
# so a figure reads the same here as in an export.

## Alerts raised by the application (custval-app).

# A key account whose risk level became medium or high since the previous run.
# $level: the risk level's id (high, medium); $why: the risk rules that fired, joined;
# $money: the 12-month spend with the currency.
explain-risky-key-account = key account became { $level } risk: { $why }; { $money } at stake (its 12-month spend)
explain-risky-key-account-action = Review credit terms and exposure with the account manager; agree a recovery plan
# How the risk rules that fired are joined.
explain-list-sep = ;{" "}

## Actions: why a rule, a cross-sell offer or a playbook applies to a customer.

# $id: the rule's id; $when: its condition as written in custval.toml; $figures: the
# customer's figures the condition read.
explain-action-rule = rule { $id }: { $when } ({ $figures })
explain-action-overrides = ; overrides { $list } (family { $family })
# $figures: the customer's class and industry; $count: categories suggested.
explain-action-cross-sell = { $figures }; { $count } categories suggested by peer penetration and association rules (see cross-sell reasons)
# $variable = $value: the class the playbook is for; $field: the playbook field used.
explain-action-playbook = playbook for { $variable } = { $value } ({ $field })
# One figure of a reason: a variable's name and its value.
explain-figure = { $name } = { $value }
explain-figures-sep = ,{" "}
# A playbook (by the class it is for), when named in a reason.
explain-playbook-name = playbook for { $variable } = { $value }

# The fields of a playbook (custval.toml [[playbook]]).
explain-playbook-field-goal = Goal
explain-playbook-field-service_level = Service level
explain-playbook-field-contact_frequency = Contact frequency
explain-playbook-field-account_manager = Account manager
explain-playbook-field-discount_policy = Discount policy
explain-playbook-field-cross_sell = Cross-sell
explain-playbook-field-retention = Retention
explain-playbook-field-abandonment = Strategic abandonment

## Peer groups (comparable customers for wallet and cross-sell estimates).

explain-peer-group-industry = industry={ $industry }
explain-peer-group = industry={ $industry }, size={ $size }

# Size bands of the customer table (`size` column); other values are shown as given.
explain-size-small = small
explain-size-medium = medium
explain-size-large = large
explain-size-key = key

# A figure the data does not have.
explain-value-missing = missing
explain-value-unknown = ?
