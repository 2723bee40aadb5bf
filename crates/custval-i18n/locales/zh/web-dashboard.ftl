# web-dashboard：仪表盘（指标卡、历次评估趋势）、评估批次、配置、设置和批次对比页面。

## Tiles
web-DashEvaluatedAt = 评估时间

## Trends across runs
web-DashTrends = 历次评估趋势
web-DashTrendsNeedTwo = 有两个评估批次后即显示趋势。
web-DashTrendTiers = 各批次各等级客户数
web-DashTrendTiersDesc = 堆叠柱状图：最近几个评估批次中，每个等级的客户数。
web-DashTrendSpend = 各批次各等级近12个月消费额
web-DashTrendSpendDesc = 堆叠柱状图：最近几个评估批次中，每个等级客户的近12个月消费额。
web-DashTrendAlerts = 各批次预警数
web-DashTrendAlertsDesc = 柱状图：每个评估批次产生的预警数，以及其中仍未处理的数量。
web-DashAlertsRaised = 产生的预警
web-DashAlertsOpen = 仍未处理
web-DashTrendClv = CLV 校准：预测与实际复购次数
web-DashTrendClvDesc = 柱状图：每个评估批次的留出检验中，购买模型预测的复购次数与客户实际的复购次数。
web-DashTrendClvNote = 每个评估批次都用校准日期之前的历史重新拟合购买模型，并预测其后留出期内的购买；两根柱子越接近，CLV 校准得越好。
web-DashNoCalibration = 这些评估批次均无留出检验（校准日期之前的历史太短）。
web-DashPredicted = 预测
web-DashActual = 实际
web-DashMae = 每位客户的平均绝对误差（MAE）
web-DashHoldoutDays = 留出期（天）
web-DashTotal = 合计
web-DashNoFigure = 无数据
web-dash-run = 评估批次 { $id }
web-dash-tip = { $run } · { $date } · { $what }：{ $value }
web-dash-customers = { $n } 位客户

## Audit log (settings)
web-audit-login = 登录
web-audit-login_failed = 登录失败
web-audit-logout = 退出登录
web-audit-add_user = 添加用户
web-audit-update_user = 修改用户
web-audit-delete_user = 删除用户
web-audit-set_password = 设置密码
web-audit-create_token = 创建 API 令牌
web-audit-revoke_token = 吊销 API 令牌
web-audit-export_customers = 导出客户
web-audit-export_report = 导出报告
web-audit-backup = 备份
web-audit-override-set = 手动调整等级
web-audit-override-clear = 取消手动调整
web-audit-save_account_plan = 保存客户计划
web-audit-forget_customer = 删除客户个人信息
web-audit-acknowledge_alert = 确认预警
web-audit-assign_alert = 分派预警
web-audit-subject-customer = 客户
web-audit-subject-run = 评估批次
web-audit-subject-alert = 预警
web-audit-key-role = 角色
web-audit-key-owner_id = 负责人编号
web-audit-key-reason = 原因
web-audit-key-format = 格式
web-audit-key-rows = 行数
web-audit-key-assignee = 处理人
web-audit-key-token_id = 令牌
web-audit-key-file = 文件
web-audit-key-output = 输出文件
web-audit-key-tier = 等级
web-audit-key-until = 有效期至
web-audit-value-wrong_password = 密码错误
web-audit-value-token_only_user = 无密码用户（仅限 API 令牌）
web-audit-value-unknown_user = 未知用户
