# web-customers: the customer list and the customer-360 page (custval-web, pages/customers.rs).

## Labels (`Msg` keys in custval-web's i18n.rs)
web-MonthlySpend = 月度消费（近 24 个月）
web-MonthlySpendDesc = 每个自然月的净消费（已扣除退货），没有订单的月份记为零。
web-Month = 月份
web-NetSpend = 净消费
web-OrderLines = 订单行数
web-TierStrip = 历次评估的等级（从早到晚）
web-PersonalData = 个人信息
web-PersonalUnavailable = 不可用（服务器没有密钥）
web-NoSpend = 近 24 个月没有订单。

## Sentences with figures
web-cust-spend-total = { $months } 个月合计：{ $total }
web-cust-month-spend = { $month }：{ $amount }
web-cust-strip-cell = 评估批次 { $run } · { $date } · { $tier } 级 · 得分 { $score }
web-cust-erased-on = 已删除（{ $date }）
web-cust-provisional = 临时结果，截至 { $date }（评估批次 { $run }：{ $tier } 级）
web-cust-formula = 综合得分 = { $cw } × 当前价值得分（{ $vs }）+ { $pw } × 潜在价值得分（{ $ps }）= { $s }；每个指标的贡献分 = 100 × 指标权重 × 标准化值 × 维度权重

## How an indicator was normalized (the English pages show custval-app's own sentence)
web-cust-how = { $norm }，{ $direction }；{ $missing }
web-cust-how-excluded = 本次评估未使用：{ $why }；其权重已分给同一维度的其他指标
web-cust-how-no-values = 没有客户有该指标的值
web-cust-how-same-value = 所有客户的值都相同（{ $value }）
web-cust-norm-minmax = 在 { $lo } 与 { $hi } 之间做极差标准化（取第 1 至第 99 百分位）
web-cust-norm-log = 对 1 加原值取自然对数后，在 { $lo } 与 { $hi } 之间做极差标准化
web-cust-norm-rank = 在 { $known } 个客户中的百分位排名
web-cust-norm-z = 标准分数的正态累积概率（均值 { $mean }，标准差 { $sd }）
web-cust-norm-none = 直接采用原值（0–1）
web-cust-missing-imputed = 缺失值按 { $value } 计
web-cust-missing-zero = 缺失值按 0 计
web-cust-missing-median = 缺失值按中位数计
web-cust-missing-min = 缺失值按最小值计
web-cust-missing-worst = 缺失值不得分
web-cust-missing-exclude = 缺失值的客户不参与该指标

## Sales channels (the `channel` column; other values are shown as given)
web-cust-channel-direct = 直销
web-cust-channel-distributor = 经销商
web-cust-channel-online = 线上
web-cust-channel-tender = 招投标
web-cust-channel-store = 门店
web-cust-channel-web = 网站
web-cust-channel-phone = 电话
web-cust-channel-email = 电子邮件
web-cust-channel-retail = 零售
web-cust-channel-wholesale = 批发
web-cust-channel-partner = 合作伙伴
web-cust-channel-offline = 线下
