# 引擎写出的说明文字（预警、行动、客户计划、分类规则）。
# 参数已格式化（金额带货币符号，占比为百分数），与导出文件中的数字一致。

## 应用层产生的预警（custval-app）。

# 重点客户的风险等级自上次评估后升为中或高。
# $level：风险等级名称（高风险、中风险）；$why：触发的风险规则；$money：近12个月消费（带货币符号）。
explain-risky-key-account = 重点客户变为{ $level }客户：{ $why }；涉及金额 { $money }（近12个月消费）
explain-risky-key-account-action = 与客户经理复核信用条件与风险敞口，制定改善计划
explain-list-sep = ；

## 行动：为何对客户适用某条规则、交叉销售建议或分类策略。

# $figures：条件读取的客户数据（名称与数值）；不显示公式原文。
explain-action-rule = 满足触发条件：{ $figures }
explain-action-overrides = ；优先于同类行动：{ $list }
explain-action-cross-sell = { $figures }；依据同类客户渗透率与关联规则推荐 { $count } 个品类（见交叉销售原因）
explain-action-playbook = { $variable }为{ $value }的客户策略（{ $field }）
explain-figure = { $name } { $value }
explain-figures-sep = ，
explain-playbook-name = { $variable }为{ $value }的客户策略

explain-playbook-field-goal = 目标
explain-playbook-field-service_level = 服务水平
explain-playbook-field-contact_frequency = 联系频率
explain-playbook-field-account_manager = 客户经理
explain-playbook-field-discount_policy = 折扣政策
explain-playbook-field-cross_sell = 交叉销售
explain-playbook-field-retention = 客户保持
explain-playbook-field-abandonment = 战略性放弃

## 可比客户分组（客户钱包与交叉销售估计所用）。

explain-peer-group-industry = 行业={ $industry }
explain-peer-group = 行业={ $industry }、规模={ $size }

explain-size-small = 小型
explain-size-medium = 中型
explain-size-large = 大型
explain-size-key = 大客户

explain-value-missing = 缺失
explain-value-unknown = 未知
