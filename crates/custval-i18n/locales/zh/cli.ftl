# 命令行自身的文字：customer show、各类表格、提示和常见错误。
# 消息两端的空白会被去掉；前后的空格和换行由代码加上。

## customer show

cli-show-run = （评估批次 { $run }，截至 { $as_of }）
cli-show-tier-line = 等级 { $tier }  ·  { $class }  ·  { $stage }  ·  综合得分 { $score }（当前价值 { $value }，潜力 { $potential }）
cli-show-figures = 未来12个月 CLV { $clv }  ·  存活概率 { $p_alive }  ·  近12个月消费 { $spend }
cli-show-p-alive-unidentified = 存活概率未显示：购买模型在这段历史中没有发现客户流失，无法判断一段时间未下单的客户是否已经流失；生命周期阶段按客户自身的购买节奏判断
cli-show-clv-explained = CLV 的构成
cli-show-profit = 利润（截至 { $as_of } 的12个月）
cli-show-profit-no-cogs = —（无产品成本数据）
cli-show-profit-no-data = —（无数据，未扣除）
cli-show-provisional-alert = 临时预警（{ $severity }）：{ $rule } { $explain }
cli-show-override = 人工调整：等级 { $tier }（计算结果 { $computed }），调整人 { $author }：{ $reason }
cli-show-override-until = ，有效至 { $until }
cli-show-why-score = 得分依据
cli-show-score-formula = 综合得分 = { $cw } × 当前价值得分（{ $value }）+ { $pw } × 潜力得分（{ $potential }）= { $score }；每个指标的得分 = 100 × 权重 × 标准化值 × 维度权重
cli-show-why-classes = 分类依据
cli-show-tier = 等级
cli-show-actions = 建议行动
cli-show-none = （无）
cli-show-because = 原因：{ $reason }
cli-show-risk = 风险：{ $level }
cli-show-wallet = 钱包份额（{ $source }）：{ $explain }
cli-show-wallet-known = 已导入
cli-show-wallet-peers = 按同类客户估算
cli-show-wallet-none = 无法估算
cli-show-cross-sell = 交叉销售
cli-show-swot = SWOT 建议（来自数据，可在客户计划中采纳）
cli-swot-strength = 优势
cli-swot-weakness = 劣势
cli-swot-opportunity = 机会
cli-swot-threat = 威胁
cli-show-tier-history = 等级历史：{ $history }

cli-col-indicator = 指标
cli-col-dimension = 维度
cli-col-raw = 原始值
cli-col-normalized = 标准化值
cli-col-weight = 权重
cli-col-points = 得分
cli-col-how = 计算方式

cli-how-excluded = 本次评估未使用（所有客户取值相同或缺失）；其权重已分给同一维度的其他指标
cli-how-minmax = 在 { $lo } 与 { $hi } 之间做极差标准化（第1至第99百分位）
cli-how-log-minmax = 取对数后在 { $lo } 与 { $hi } 之间做极差标准化
cli-how-rank = 在 { $n } 个客户中的百分位排名
cli-how-zscore = 标准分的正态分布函数值（均值 { $mean }，标准差 { $sd }）
cli-how-as-is = 按原值计（0–1）
cli-how-benefit = 越大越好
cli-how-cost = 越小越好
cli-how-missing-value = 缺失时取 { $value }
cli-how-missing-zero = 缺失时取 0
cli-how-missing-median = 缺失时取中位数
cli-how-missing-min = 缺失时取最小值
cli-how-missing-worst = 缺失时取最差值
cli-how-missing-exclude = 缺失时不计入

cli-contact = 联系方式
cli-contact-phone = 电话
cli-contact-email = 邮箱
cli-contact-unavailable = 无法读取（已加密；见标准错误输出中的说明）
cli-contact-forgotten = 个人信息已于 { $at } 删除；历史记录保留

## 隔离原因（英文与 custval-ingest 中的原句相同）

cli-reason-missing = 缺少 { $column }
cli-reason-bad-date = { $column } 中的日期无效：“{ $value }”不是日期（应为 2024-01-31、2024/1/31、20240131、2024年1月31日 或 Excel 日期序号）
cli-reason-bad-number = { $column } 中的数字无效：“{ $value }”不是数字（应为 1234.5、1,234.50、¥1,234、(120.00) 或 -120）
cli-reason-bad-value = { $column } 中的值无效：{ $value }
cli-reason-date-for-number = { $column } 中的值无效：此处应为数字，却是日期（{ $date }）
cli-reason-date-for-text = { $column } 中的值无效：此处应为文本，却是日期（{ $date }）
cli-reason-cell-error = { $column } 单元格有错误：{ $error }
cli-reason-not-a-month = { $column }“{ $value }”不是月份（应为如 2024-07 的形式）
cli-reason-neither-given = { $first } 和 { $second } 都没有填写
cli-reason-out-of-range = { $column } 为 { $value }，超出 { $low }～{ $high } 的范围
cli-reason-not-yes-no = { $column }“{ $value }”不是“是”或“否”
cli-reason-contract-ends-before-start = 合同结束日期早于开始日期
cli-reason-due-before-invoice = 到期日早于开票日期

## 错误和提示

cli-err-not-in-run = 客户“{ $id }”不在评估批次 { $run } 中
cli-err-no-usable-rows = { $file }：{ $read } 行数据没有一行可用（第一处：第 { $line } 行：{ $reason }）；详见 { $quarantine }
cli-note-rows-rejected = { $file }：{ $read } 行中有 { $rejected } 行被拒收（第一处：第 { $line } 行：{ $reason }）；已写入 { $quarantine }

## customers list

cli-list-customer = 客户编号
cli-list-name = 客户名称
cli-list-tier = 等级
cli-list-class = 价值类别
cli-list-lifecycle = 生命周期
cli-list-score = 综合得分
cli-list-spend = 近12个月消费
cli-list-clv = 未来12个月 CLV
cli-list-p-alive = 存活概率
cli-list-tier-override = { $tier }（人工调整）
cli-list-tier-provisional = { $tier }（临时结果）
cli-list-footer = 评估批次 { $run }（截至 { $as_of }）：符合条件的客户共 { $total } 个，显示 { $shown } 个（导出为 CSV 或 XLSX 文件可查看全部）
cli-list-provisional = 显示的客户中有 { $n } 个带有本批次之后导入数据的临时结果；下次评估时将被正式结果取代

## alerts

cli-alerts-left-out = 共 { $total } 条预警，显示 { $shown } 条（先按严重程度，再按涉及金额从大到小）；加 --all 显示全部
cli-alerts-none = 评估批次 { $run }（截至 { $as_of }）没有预警（预警由本批次与上一批次比较得出）
cli-alerts-title = 评估批次 { $run }（截至 { $as_of }）的预警：先按严重程度，再按涉及金额排序，按客户分组
cli-alerts-customer = 客户
cli-alerts-severity = 严重程度
cli-alerts-at-stake = 涉及金额
cli-alerts-rule = 预警规则
cli-alerts-what = 发生了什么
cli-alerts-action = 建议行动
cli-alerts-id = 编号
cli-alerts-count = 共 { $total } 条预警

## evaluate

cli-run-line = 评估批次 { $run }（截至 { $as_of }）：{ $customers } 个客户，用时 { $seconds } 秒；等级：{ $tiers }
cli-run-value-classes = 价值类别：{ $counts }
cli-run-lifecycle = 生命周期：{ $counts }
cli-run-against = 与评估批次 { $previous } 相比：滞后规则保留了 { $held } 个等级变动；预警：{ $alerts }
cli-run-no-alerts = 无
cli-run-note = 说明：{ $note }

## demo

cli-demo-generate = 1/5 在 { $dir } 生成一家拥有 { $customers } 个客户的模拟企业
cli-demo-init = 2/5 创建工作区 { $db }
cli-demo-import = 3/5 导入客户、交易、成本、客户互动、满意度调查、合同和付款数据
cli-demo-evaluate = 4/5 在截至 { $end } 的一年里，于每个季度末评估全部客户
cli-demo-reports = 5/5 生成报告
cli-demo-report = 报告：{ $zh }（中文），{ $en }（英文）
cli-demo-continue = 工作区是 { $db }；可以接着试试下面的命令
cli-demo-install = （`cargo install --locked --path crates/custval-cli` 会把 custval 安装到 PATH 中；
cli-demo-install-else = 否则请用 `cargo run --release --` 代替 custval）：
cli-demo-edit = 编辑 { $config } 可调整指标、权重、分类和策略。
cli-err-no-runs = 存储中还没有评估批次：请先运行 custval evaluate --as-of 日期
cli-err-invalid = 未知的{ $what }“{ $value }”；可用的值：{ $valid }
cli-what-tier = 等级
cli-what-class = 类别
cli-what-alert-rule = 预警规则
cli-what-severity = 严重程度
cli-what-run = 评估批次
cli-what-migration-cell-tier = 迁移矩阵等级
cli-err-unknown-customer = 未知客户“{ $id }”
cli-err-no-store = { $path } 处没有 custval 存储：请先运行 custval init（或用 --db 指定存储）
cli-err-run-not-found = 找不到评估批次 { $run }
cli-err-unknown-user = 未知用户“{ $name }”
cli-err-weak-password = 密码至少需要 { $n } 个字符
cli-err-file-not-found = { $path }：文件不存在
cli-err-file-unreadable = { $path }：无法读取文件：{ $why }
cli-serve-no-users = 此存储还没有任何用户，因此没有人能登录。请在另一个终端创建第一个管理员（密码只显示一次；加 --password-stdin 可自行输入）：
cli-demo-refuse = { $dir } 中有 { $plans } 份已保存的客户计划和 { $overrides } 条生效中的人工等级调整，重新生成演示会把它们清除；如需保留，请在另一个文件夹运行演示（--dir），或先备份存储（custval --db { $db } backup 文件名）；加 --force 则重新开始并丢弃它们
