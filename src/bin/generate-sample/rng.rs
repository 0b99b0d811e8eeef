//! A small seeded generator (SplitMix64): the same seed gives the same sample on any machine
//! and any version of any crate.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform integer in [lo, hi].
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
    /// Picks a value by weight.
    pub fn weighted<'a>(&mut self, choices: &[(&'a str, f64)]) -> &'a str {
        let total: f64 = choices.iter().map(|c| c.1).sum();
        let mut x = self.unit() * total;
        for (v, w) in choices {
            if x < *w {
                return v;
            }
            x -= w;
        }
        choices.last().expect("choices").0
    }
    /// Exactly `round(share × n)` of each value (largest remainder), shuffled.
    pub fn quota(&mut self, n: usize, choices: &[(&str, f64)]) -> Vec<String> {
        let total: f64 = choices.iter().map(|c| c.1).sum();
        let raw: Vec<f64> = choices.iter().map(|c| c.1 / total * n as f64).collect();
        let mut counts: Vec<usize> = raw.iter().map(|r| r.floor() as usize).collect();
        let mut order: Vec<usize> = (0..choices.len()).collect();
        order.sort_by(|&a, &b| (raw[b] - raw[b].floor()).total_cmp(&(raw[a] - raw[a].floor())));
        let mut k = 0;
        while counts.iter().sum::<usize>() < n {
            counts[order[k % order.len()]] += 1;
            k += 1;
        }
        let mut out = Vec::with_capacity(n);
        for (c, count) in choices.iter().zip(counts) {
            out.extend(std::iter::repeat_n(c.0.to_string(), count));
        }
        self.shuffle(&mut out);
        out
    }
}
