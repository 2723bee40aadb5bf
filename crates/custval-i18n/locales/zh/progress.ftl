# 终端上的进度条（custval-cli 的 progress.rs）：命令、阶段、步骤、单位。

progress-eta = 剩余

## 进度条开头的命令
progress-cmd-import = 导入
progress-cmd-evaluate = 评估
progress-cmd-customers = 客户列表
progress-cmd-report = 报告

## 阶段
progress-reading = 读取
progress-writing = 写入
progress-provisional = 临时更新
progress-listing = 查询
progress-reading-results = 读取结果
progress-backtest = 回测
progress-runs-alerts = 历次评估与预警
progress-building = 生成
progress-generating = 生成数据

## 评估步骤
progress-step-load = 加载
progress-step-calibrate = 校准权重
progress-step-features = 特征
progress-step-clv = CLV 拟合
progress-step-key-accounts = 大客户
progress-step-scores = 得分
progress-step-classes = 分类
progress-step-alerts = 预警
progress-step-done = { $prefix }: { $step }  { $seconds } 秒
progress-step-write = 写入

## 进度条计数的对象，以及阶段正在做的事
progress-unit-customers = 个客户
progress-unit-results = 条结果
progress-msg-rows = { $rows } 行
progress-msg-customers = { $customers } 个客户
progress-msg-run = 评估批次 { $run }，{ $customers } 个客户
progress-msg-rows-to = { $rows } 行写入 { $path }
progress-msg-horizon = 观察期 { $days } 天
