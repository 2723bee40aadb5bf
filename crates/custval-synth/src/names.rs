//! Deterministic fake Chinese company names and clearly fake contact details.

use rand::RngExt;

/// Cities per region, in the order of [`crate::params::REGIONS`].
const CITIES: [&[&str]; 7] = [
    &[
        "上海", "杭州", "南京", "苏州", "宁波", "合肥", "济南", "青岛",
    ],
    &["广州", "深圳", "厦门", "福州", "南宁", "海口"],
    &["北京", "天津", "石家庄", "太原", "呼和浩特"],
    &["武汉", "长沙", "郑州", "南昌"],
    &["成都", "重庆", "昆明", "贵阳"],
    &["西安", "兰州", "银川", "乌鲁木齐"],
    &["沈阳", "大连", "长春", "哈尔滨"],
];

const SYLLABLES: [&str; 32] = [
    "华", "康", "瑞", "泰", "恒", "信", "达", "鑫", "盛", "丰", "源", "安", "德", "正", "通", "宏",
    "远", "嘉", "汇", "中", "新", "金", "海", "天", "博", "创", "联", "捷", "凯", "益", "和", "润",
];

/// Name suffixes per industry, in the order of [`crate::params::INDUSTRIES`].
const SUFFIXES: [&[&str]; 6] = [
    &[
        "医院",
        "人民医院",
        "大药房连锁有限公司",
        "医药有限公司",
        "健康药业连锁有限公司",
    ],
    &[
        "机械制造有限公司",
        "精密工业有限公司",
        "电子有限公司",
        "新材料有限公司",
    ],
    &[
        "商贸连锁有限公司",
        "超市有限公司",
        "百货有限公司",
        "便利店连锁有限公司",
    ],
    &[
        "投资管理有限公司",
        "融资租赁有限公司",
        "资产管理有限公司",
        "保险代理有限公司",
    ],
    &[
        "信息技术有限公司",
        "软件有限公司",
        "网络科技有限公司",
        "数据科技有限公司",
    ],
    &["商店"],
];

fn pick<'a>(rng: &mut impl RngExt, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// A company name such as `杭州康瑞医药有限公司`, from the customer's own RNG.
pub(crate) fn company_name(rng: &mut impl RngExt, region: usize, industry: usize) -> String {
    let city = pick(rng, CITIES[region % CITIES.len()]);
    let a = pick(rng, &SYLLABLES);
    let b = pick(rng, &SYLLABLES);
    let suffix = pick(rng, SUFFIXES[industry % SUFFIXES.len()]);
    let mut s = String::with_capacity(city.len() + a.len() + b.len() + suffix.len());
    s.push_str(city);
    s.push_str(a);
    s.push_str(b);
    s.push_str(suffix);
    s
}

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
];

const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华",
];

/// A person's name such as `王丽华` (the retail case), from the customer's own RNG.
pub(crate) fn person_name(rng: &mut impl RngExt) -> String {
    let mut s = String::with_capacity(9);
    s.push_str(pick(rng, &SURNAMES));
    s.push_str(pick(rng, &GIVEN));
    if rng.random_range(0..3) > 0 {
        s.push_str(pick(rng, &GIVEN));
    }
    s
}

/// Appends a phone number that is obviously fake: `555-` and eight digits from the index.
pub(crate) fn push_phone(out: &mut Vec<u8>, index: u64) {
    out.extend_from_slice(b"555-");
    crate::fmt::push_u64_padded(out, (index + 1) % 100_000_000, 8);
}

/// Appends an e-mail address on the reserved `example.com` domain.
pub(crate) fn push_email(out: &mut Vec<u8>, index: u64, id_width: usize) {
    out.extend_from_slice(b"contact.c");
    crate::fmt::push_u64_padded(out, index + 1, id_width);
    out.extend_from_slice(b"@example.com");
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn names_are_deterministic_and_chinese() {
        let mut r1 = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut r2 = Xoshiro256PlusPlus::seed_from_u64(7);
        let a = company_name(&mut r1, 0, 0);
        assert_eq!(a, company_name(&mut r2, 0, 0));
        assert!(CITIES[0].iter().any(|c| a.starts_with(c)));
        let mut v = Vec::new();
        push_phone(&mut v, 42);
        assert_eq!(v, b"555-00000043");
        v.clear();
        push_email(&mut v, 41, 7);
        assert_eq!(v, b"contact.c0000042@example.com");
    }
}
