//! Every label of the web app in English and Chinese, the language choice, and numbers and
//! dates per locale.
//!
//! Design choices:
//! - **One table** ([`Msg`]) holds both languages side by side, keyed by an enum so that a
//!   missing or misspelt key is a compile error; [`Msg::ALL`] lets a test check that no label
//!   is empty. The terms are the product's, the same on every page (等级 tier, 分类 class,
//!   评估批次 run, …).
//! - **The language** is the `lang` cookie when the user chose one, else the first of English
//!   or Chinese in `Accept-Language` (by quality), else English.
//! - **Numbers** follow the report: English groups thousands (`¥1,234,568`); Chinese switches
//!   to 万 from ¥10,000 and to 亿 from ¥1亿 (`¥123.5万`). Dates are ISO in English and
//!   `2025年6月30日` in Chinese. Non-finite numbers print as `—`.

use custval_model::Day;

pub use custval_report::Lang;

// Numbers print as in the report: custval-base's table formats ("—" for a missing number).
pub use custval_base::format::{DASH, count, grouped as fixed, percent_cell as percent};

macro_rules! messages {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        /// A label of the web app; [`Msg::text`] gives it in one language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg {
            $(
                #[allow(missing_docs)]
                $key,
            )*
        }

        impl Msg {
            /// Every label, for completeness tests.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            /// The label in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                let (en, zh) = match self {
                    $(Msg::$key => ($en, $zh),)*
                };
                match lang {
                    Lang::En => en,
                    Lang::Zh => zh,
                }
            }
        }
    };
}

messages! {
    AppName => "custval", "custval 客户价值";
    Dashboard => "Dashboard", "仪表盘";
    Customers => "Customers", "客户";
    Runs => "Runs", "评估批次";
    Settings => "Settings", "设置";
    Alerts => "Alerts", "预警";
    Logout => "Log out", "退出登录";
    Login => "Log in", "登录";
    Username => "User name", "用户名";
    Password => "Password", "密码";
    BadLogin => "Wrong user name or password.", "用户名或密码错误。";
    TooManyAttempts => "Too many failed log-ins; try again later.", "登录失败次数过多，请稍后再试。";
    Language => "Language", "语言";
    SignedInAs => "Signed in as", "当前用户";
    Run => "Run", "评估批次";
    AsOf => "As of", "评估基准日";
    Created => "Created", "生成时间";
    Seconds => "Run time (s)", "耗时（秒）";
    CustomerCount => "Customers", "客户数";
    Spend12m => "12-month spend", "近12个月消费额";
    NoRuns => "No evaluation run yet: run `custval evaluate --as-of DATE` first.", "尚无评估批次：请先运行 `custval evaluate --as-of 日期`。";
    TierACard => "Tier A: customers · share of spend", "A 类客户：数量 · 消费占比";
    TierDistribution => "Tier distribution", "客户分级分布";
    ClassDistribution => "Value × potential classes", "价值 × 潜力分类";
    Comparison => "This run vs the previous run", "本期与上期对比";
    Previous => "Previous", "上期";
    Current => "Current", "本期";
    Change => "Change", "变化";
    NoPrevious => "There is no earlier run to compare with.", "没有可对比的上一期评估。";
    TopCustomers => "Top customers and next actions", "重点客户与建议行动";
    TableView => "Table view", "表格视图";
    YourCustomersOnly => "Figures cover only the customers you own.", "数据仅包含您负责的客户。";
    Tier => "Tier", "等级";
    Class => "Class", "分类";
    ValueClass => "Value class", "价值分类";
    PotentialTier => "Potential", "潜力等级";
    Lifecycle => "Lifecycle stage", "生命周期阶段";
    ProfitLoyalty => "Profit × loyalty", "利润 × 忠诚度";
    RfmSegment => "RFM segment", "RFM 分群";
    Industry => "Industry", "行业";
    Region => "Region", "区域";
    Owner => "Owner", "负责人";
    Search => "Search name or id", "搜索名称或编号";
    Sort => "Sort by", "排序";
    Score => "Score", "得分";
    ValueScore => "Current value score", "当前价值得分";
    PotentialScore => "Potential score", "潜力得分";
    Clv => "CLV", "客户终身价值";
    PAlive => "P(alive)", "存活概率";
    PAliveNotIdentified => "— (no drop-out in this history: see the lifecycle stage)", "—(本数据未显示流失过程,请看生命周期阶段)";
    Name => "Name", "名称";
    CustomerId => "Customer id", "客户编号";
    Filter => "Filter", "筛选";
    Reset => "Reset", "重置";
    All => "All", "全部";
    ExportCsv => "Export CSV", "导出 CSV";
    ExportXlsx => "Export Excel", "导出 Excel";
    Matching => "customers match", "个客户符合条件";
    PageWord => "Page", "页码";
    Prev => "Previous", "上一页";
    Next => "Next", "下一页";
    NoCustomers => "No customer matches.", "没有符合条件的客户。";
    Customer => "Customer", "客户";
    ScoreExplained => "Score explained", "得分解析";
    ContributionChart => "Points of the score per indicator", "各指标对得分的贡献";
    Indicator => "Indicator", "指标";
    Dimension => "Dimension", "维度";
    Raw => "Raw value", "原始值";
    Normalized => "Normalized", "标准化值";
    Weight => "Weight", "权重";
    Points => "Points", "贡献分";
    How => "How it is normalized", "标准化方法";
    Rules => "Why this tier and these classes", "分级与分类依据";
    Rule => "Rule", "规则";
    TierHistory => "Tier history", "等级历史";
    PurchaseTimeline => "Latest purchases", "最近购买记录";
    Date => "Date", "日期";
    Amount => "Amount", "金额";
    Category => "Category", "品类";
    Channel => "Channel", "渠道";
    OrderId => "Order", "订单号";
    NoPurchases => "No purchase on record.", "暂无购买记录。";
    Actions => "Recommended actions", "建议行动";
    Action => "Action", "行动";
    Reason => "Reason", "原因";
    NoActions => "No action recommended.", "暂无建议行动。";
    Override => "Override the tier", "人工调整等级";
    CurrentOverride => "Tier override in force", "当前人工调整";
    ComputedTier => "Computed tier", "计算等级";
    Author => "Author", "操作人";
    Until => "Until (optional)", "有效期至（可选）";
    UntilShort => "Until", "有效期至";
    Open => "until cleared", "直至撤销";
    Save => "Save", "保存";
    ClearOverride => "Clear the override", "撤销人工调整";
    OverrideSaved => "Override saved.", "人工调整已保存。";
    OverrideCleared => "Override cleared.", "人工调整已撤销。";
    ReasonRequired => "A reason is required.", "必须填写原因。";
    BadTier => "The tier must be A, B or C.", "等级必须为 A、B 或 C。";
    BadDate => "The date must be YYYY-MM-DD.", "日期格式须为 YYYY-MM-DD。";
    Contact => "Contact", "联系方式";
    Phone => "Phone", "电话";
    Email => "E-mail", "邮箱";
    MaskedNote => "Personal data is masked for your role.", "您的角色无权查看个人信息，已隐藏。";
    CrossSell => "Categories to offer", "可交叉销售品类";
    Formula => "Formula", "计算公式";
    Config => "Evaluation config", "评估配置";
    ConfigValid => "The config is valid.", "配置校验通过。";
    ConfigInvalid => "The config does not validate", "配置校验未通过";
    Warnings => "Warnings", "警告";
    ViewConfig => "Config", "配置";
    Users => "Users and roles", "用户与角色";
    Role => "Role", "角色";
    OwnerId => "Owner id (sales)", "负责人编号（销售）";
    CanLogIn => "Can log in", "可登录";
    AddUser => "Add a user", "添加用户";
    UserAdded => "User added.", "用户已添加。";
    Yes => "yes", "是";
    No => "no", "否";
    RoleAdmin => "admin", "管理员";
    RoleAnalyst => "analyst", "分析师";
    RoleManager => "manager", "经理";
    RoleSales => "sales", "销售";
    RolesHelp => "admin: everything · analyst: runs, config, all customers · manager: all customers, overrides, alerts · sales: own customers only. Every role edits the account plans of the customers it sees. Phone and e-mail are shown to admins and managers only.", "管理员：全部权限 · 分析师：评估批次、配置、全部客户 · 经理：全部客户、人工调整、预警 · 销售：仅本人负责的客户。各角色均可编辑其可见客户的客户计划。电话和邮箱仅对管理员和经理显示。";
    RecentAudit => "Audit log (latest)", "审计日志（最近）";
    Actor => "Actor", "操作人";
    What => "What", "操作";
    Subject => "Subject", "对象";
    AuditFrom => "From", "来源";
    AuditActionContains => "Action contains", "操作包含";
    NotFound => "Not found.", "未找到。";
    Forbidden => "Your role may not do this.", "您的角色无权执行此操作。";
    BadRequest => "The request is not valid.", "请求无效。";
    CsrfFailed => "The form expired; reload the page and try again.", "表单已失效，请刷新页面后重试。";
    ServerError => "Something went wrong on the server.", "服务器出错。";
    Back => "Back", "返回";
    Show => "Show", "查看";
    Migrations => "Migrations", "等级迁移";
    Alive => "alive", "存活";
    AlertAcknowledged => "Alert acknowledged.", "预警已确认。";
    AlertAssigned => "Alert assigned.", "预警已分派。";
    Status => "Status", "状态";
    StatusOpen => "open", "未处理";
    StatusAcknowledged => "acknowledged", "已确认";
    Severity => "Severity", "严重程度";
    SeverityCritical => "critical", "严重";
    SeverityWarning => "warning", "警告";
    SeverityInfo => "info", "提示";
    NoAlerts => "No alert.", "暂无预警。";
    Evidence => "Evidence", "依据";
    Assignee => "Assigned to", "处理人";
    AtStake => "At stake", "涉及金额";
    Acknowledge => "Acknowledge", "确认";
    Assign => "Assign", "分派";
    OpenAlerts => "Open alerts (most severe first)", "未处理预警（按严重程度）";
    AllAlerts => "All alerts", "全部预警";
    NotInRun => "not in run", "不在该批次";
    Stayed => "Stayed", "保持";
    Upgraded => "Moved up", "升级";
    Downgraded => "Moved down", "降级";
    Entered => "New in the later run", "新进入";
    Left => "Gone from the later run", "已退出";
    FromRun => "From run", "起始批次";
    ToRun => "To run", "目标批次";
    CompareRuns => "Compare two runs", "对比两个批次";
    MatrixHelp => "Rows: tier in the earlier run; columns: tier in the later run. Each cell: customers, and their share of the later run's 12-month spend.", "行：起始批次的等级；列：目标批次的等级。每格为客户数及其占消费额的比例。";
    KeyAccounts => "Key accounts", "大客户";
    KeyAccount => "Key account", "大客户管理";
    KeyAccountsHelp => "Customers of the plan tiers of the run's config, with their risk, share of wallet, next plan review and open alerts.", "本批次配置中需制定客户计划的等级的客户，及其风险、客户份额、下次计划复盘日期和未处理预警。";
    PlanTiers => "Plan tiers", "计划等级";
    AllPlanTiers => "All plan tiers", "全部计划等级";
    Wallet => "Wallet", "客户钱包";
    ShareOfWallet => "Share of wallet", "客户份额";
    WalletGap => "Wallet gap", "份额缺口";
    WalletSource => "Source", "来源";
    WalletKnown => "imported (customers table)", "已导入（客户表）";
    WalletPeers => "estimated from comparable customers", "按可比客户估算";
    PeerGroup => "Peer group", "可比客户组";
    PeerCount => "Buying peers", "可比客户数";
    Percentile => "Percentile of peers' spend", "可比客户消费分位数";
    NoEstimate => "No estimate", "无法估算";
    NoWalletData => "No wallet estimate in this run (key accounts and growth customers only).", "本批次未估算客户钱包（仅对大客户和成长型客户估算）。";
    Risk => "Risk", "风险";
    RiskNone => "none", "无";
    RiskLow => "low", "低";
    RiskMedium => "medium", "中";
    RiskHigh => "high", "高";
    RiskScore => "risk score", "风险分";
    NoRiskFlag => "No risk rule fired.", "未触发风险规则。";
    Threshold => "threshold", "阈值";
    Figure => "Figure", "依据指标";
    Suggestion => "Suggestion", "建议";
    Suggestions => "Suggestions from the data", "数据建议";
    SuggestionsHelp => "Suggestions from the run's data, each with the figure behind it. They are not part of the plan until you keep them.", "根据本批次数据生成的建议，均注明所依据的指标。保留后才成为计划内容。";
    NoSuggestions => "No suggestion from the data.", "数据未产生建议。";
    Strengths => "Strengths", "优势";
    Weaknesses => "Weaknesses", "劣势";
    Opportunities => "Opportunities", "机会";
    Threats => "Threats", "威胁";
    AccountPlan => "Account plan", "客户计划";
    PlanNotSaved => "No plan saved yet.", "尚未保存客户计划。";
    NotPlanTier => "This customer is not in a plan tier of the run's config.", "该客户不在本批次配置的计划等级内。";
    SavedBy => "Saved", "保存于";
    Goals => "Goals", "目标";
    NextReview => "Next review", "下次复盘";
    Overdue => "overdue", "已逾期";
    ActionsTaken => "Actions taken", "已采取行动";
    Outcome => "Outcome", "结果";
    EditPlan => "Edit the plan", "编辑客户计划";
    SavePlan => "Save the plan", "保存客户计划";
    PlanSaved => "Account plan saved.", "客户计划已保存。";
    PlanInvalid => "The plan was not saved", "客户计划未保存";
    OnePerLine => "one per line", "每行一条";
    ActionsFormat => "one per line: YYYY-MM-DD | what was done | outcome (optional)", "每行一条：YYYY-MM-DD | 所做事项 | 结果（可选）";
    SwotMarkerHelp => "Lines starting with [suggested:…] or [建议:…] are suggestions from the data: they are refreshed with the latest figures each time the plan is opened, until you remove the marker (the text is then yours) or the line.", "以 [suggested:…] 或 [建议:…] 开头的行为数据建议：每次打开计划时按最新数据刷新，删除标记后即成为您自己的内容，删除该行即不保留。";
    Dismissed => "Suggestions not to propose again (codes)", "不再提示的建议（代码）";
    DismissThis => "don't suggest again", "不再提示";
    Plan => "Plan", "计划";
    NoKeyAccounts => "No key account.", "暂无大客户。";
    ReviewOrderNote => "In review order, only key accounts whose plan has a next review date are listed.", "按复盘日期排序时，仅列出计划中设有下次复盘日期的大客户。";
    SortBy => "Sort", "排序";
    OpenAlertsCount => "Open alerts", "未处理预警";
    EditUser => "Change", "修改";
    DeleteUser => "Delete", "删除";
    UserChanged => "User changed.", "用户已修改。";
    UserDeleted => "User deleted.", "用户已删除。";
    NotYourself => "You cannot change your own role or delete yourself.", "不能修改自己的角色或删除自己。";
    UnknownUser => "No such user.", "用户不存在。";
    ConfirmDelete => "Delete this user?", "确定删除该用户？";
    ClvExplained => "CLV explained", "客户终身价值构成";
    ProfitWaterfall => "Profit, 12 months to the as-of date", "截至评估日近12个月利润构成";
    ExpectedPurchases => "Expected purchases", "预计购买次数";
    ExpectedSpend => "Expected spend per purchase", "预计单次消费";
    MarginLabel => "Margin", "毛利率";
    CostToServe => "Cost to serve", "服务成本";
    DiscountLabel => "Discount (annual rate, factor)", "折现（年折现率，折现系数）";
    PurchaseModel => "Purchase model (holdout MAE)", "购买模型（留出期 MAE）";
    NotDeducted => "no data, not deducted", "无数据，未扣除";
}

impl Msg {
    /// The role's name in `lang`.
    pub fn role(role: custval_store::Role, lang: Lang) -> &'static str {
        use custval_store::Role;
        match role {
            Role::Admin => Msg::RoleAdmin,
            Role::Analyst => Msg::RoleAnalyst,
            Role::Manager => Msg::RoleManager,
            Role::Sales => Msg::RoleSales,
        }
        .text(lang)
    }
}

/// The language code used in the `lang` cookie and query parameter.
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// Parses a `lang` cookie or parameter value.
pub fn parse_code(s: &str) -> Option<Lang> {
    let s = s.trim().to_ascii_lowercase();
    if s == "zh" || s.starts_with("zh-") || s.starts_with("zh_") {
        Some(Lang::Zh)
    } else if s == "en" || s.starts_with("en-") || s.starts_with("en_") {
        Some(Lang::En)
    } else {
        None
    }
}

/// The best of English and Chinese in an `Accept-Language` header (highest quality first,
/// earlier first among equals), or `None` when it names neither.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut it = part.split(';');
        let tag = it.next().unwrap_or("").trim();
        let q = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = if tag.eq_ignore_ascii_case("zh") || parse_code(tag) == Some(Lang::Zh) {
            Some(Lang::Zh)
        } else {
            parse_code(tag)
        };
        if let Some(l) = lang
            && q > 0.0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, l));
        }
    }
    best.map(|(_, l)| l)
}

/// An optional number with `decimals` decimals.
pub fn opt_fixed(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| DASH.to_string(), |v| fixed(v, decimals))
}

/// Money in `lang`'s style (see the module header).
pub fn money(lang: Lang, x: f64) -> String {
    custval_base::format::money_brief(x, lang.big_amounts())
}

/// Optional money.
pub fn opt_money(lang: Lang, x: Option<f64>) -> String {
    x.map_or_else(|| DASH.to_string(), |v| money(lang, v))
}

/// A day number as a date in `lang`'s style.
pub fn date(lang: Lang, d: Day) -> String {
    let (y, m, dd) = custval_model::date::ymd_from_days(d);
    match lang {
        Lang::En => custval_base::format::iso_date(i64::from(y), m, dd),
        Lang::Zh => custval_base::format::chinese_date(i64::from(y), m, dd),
    }
}

/// An RFC 3339 timestamp shortened to minutes (`2026-11-23 16:20 UTC`).
pub fn timestamp(ts: &str) -> String {
    let t = ts.replace('T', " ");
    match t.get(..16) {
        Some(short) => format!("{short} UTC"),
        None => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::En).is_empty(), "{m:?}");
            assert!(!m.text(Lang::Zh).is_empty(), "{m:?}");
        }
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::Zh)
        );
        assert_eq!(
            from_accept_language("en-US,en;q=0.9,zh;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language("fr;q=1, zh-TW;q=0.4"), Some(Lang::Zh));
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language("en;q=0.2, zh;q=0.7"), Some(Lang::Zh));
    }

    #[test]
    fn money_per_locale() {
        assert_eq!(money(Lang::En, 1_234_567.4), "¥1,234,567");
        assert_eq!(money(Lang::Zh, 1_234_567.4), "¥123.5万");
        assert_eq!(money(Lang::Zh, 250_000_000.0), "¥2.50亿");
        assert_eq!(money(Lang::Zh, 99_999_999.0), "¥1.00亿");
        assert_eq!(money(Lang::Zh, 9_999.0), "¥9,999");
        assert_eq!(money(Lang::En, -12.5), "-¥12.50");
        assert_eq!(money(Lang::En, f64::NAN), DASH);
    }

    #[test]
    fn dates_per_locale() {
        // 2025-06-30 is day 20269 since 1970-01-01.
        let d = custval_model::date::days_from_ymd(2025, 6, 30).unwrap_or_default();
        assert_eq!(d, 20269);
        assert_eq!(date(Lang::En, d), "2025-06-30");
        assert_eq!(date(Lang::Zh, d), "2025年6月30日");
    }
}
