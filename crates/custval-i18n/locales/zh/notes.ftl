# 引擎对一次评估的说明（custval_i18n::Note），读取时按读者的语言生成。

note-na = 无

## 权重
note-prior-ahp = 层次分析法 AHP，CR = { $cr }
note-prior-expert = 专家设定
note-prior-equal = 等权
note-objective-entropy = 熵权法
note-objective-critic = CRITIC
note-weights-entropy = 按本批次标准化数据计算的熵权
note-weights-critic = 按本批次标准化数据计算的 CRITIC 权重
note-weights-combined = { $alpha } × （{ $prior }）+ { $rest } × 本批次数据的{ $objective }权重
note-weights-not-calibrated = { $prior }（未校准）
note-weights-excluded = { $note }；已排除（本批次无差异，其权重按比例分给其他指标）：{ $names }
note-dimension-current = 当前价值
note-dimension-potential = 潜在价值
note-dimension-weights = { $dimension }权重：{ $note }
note-calibrated = 已校准：{ $alpha } × （{ $prior }）+ { $rest } × 截至 { $as_of } 拟合的权重（按其后 { $days } 天的净消费额排序）；{ $check }
note-calibration-kept-prior = { $prior }（校准在样本外检验中未优于这些权重，故原样使用）；{ $check }
note-calibration-check = 样本外检验（截至 { $fit_as_of } 拟合的权重，检验 { $check_as_of } 之后 { $days } 天的消费额）：原权重基尼系数 { $prior_gini }，校准后 { $calibrated_gini }
note-calibration-failed = { $prior }（未校准：{ $why }）
note-calibration-nothing-to-rank = { $prior }（未校准：没有可排序的数据）

## 指标
note-indicator-excluded = 指标“{ $name }”未参与本批次：{ $why }
note-indicator-no-value = 没有客户有取值（对全部 { $customers } 个客户按缺失规则“{ $rule }”处理）
note-indicator-same-value = 所有客户取值相同（{ $value }）
note-indicator-same-value-known = 所有客户取值相同（{ $value }；{ $known } 个已知，其余为填补或排除）
note-missing-zero = 记为零
note-missing-median = 取中位数
note-missing-min = 取最小值
note-missing-worst = 记为最差
note-missing-exclude = 排除

## CLV
note-clv-too-few = 未拟合 CLV：只有 { $customers } 个客户有购买（至少需要 10 个）
note-clv-few-repeaters = 未拟合 CLV：{ $customers } 个客户中只有 { $repeaters } 个复购（至少需要 { $min } 个）；没有复购，购买模型无法区分会再次购买的客户和已流失的客户
note-clv-no-holdout = 跳过留出期检验：校准截止日之前的历史太短
note-clv-alive-from-other = { $model } 模型按其构造对没有复购的客户给出存活概率 1；这些客户的存活概率取自 { $other } 模型
note-clv-alive-hidden = 不显示存活概率：{ $model } 模型预计在观察的 { $days } 天内只有 { $share } % 的客户流失，这段历史无法判断沉默的客户是否已流失（观察约一年的客户群常见）；请看生命周期阶段，它按每个客户自己的购买节奏判断谁在流失
note-clv-not-converged = { $model } 模型拟合未收敛（梯度范数 { $norm }）；预测取自找到的最优点
note-clv-no-cogs = 交易中没有商品成本：CLV 按收入计算（毛利率 1.0）
note-clv-model-failed = CLV 模型 { $model } 未拟合：{ $error }
note-clv-spend-failed = Gamma-Gamma 消费额模型未拟合（{ $error }）：预期消费额取每个客户的平均复购消费额

## 分类
note-tiers-failed = 分层：所有客户均为 C（{ $error }）
note-clusters-too-few = 未计算行为聚类：购买客户太少或聚类特征未知
note-clusters-failed = 未计算行为聚类：{ $error }
note-budget-failed = 未分配预算：{ $error }
