//! Calendar dates from the data (never from the clock), written `YYYY-MM-DD`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date written YYYY-MM-DD");
        let parts: Vec<&str> = s.trim().split('-').collect();
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let month: u8 = parts[1].parse().map_err(|_| bad())?;
        let day: u8 = parts[2].parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}`: there is no month {month}"));
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
        if day == 0 || day > days {
            return Err(format!("`{s}`: {} {year} has no day {day}", MONTHS[month as usize - 1]));
        }
        Ok(Date { year, month, day })
    }

    /// `3 October 2011`.
    pub fn long(&self) -> String {
        format!("{} {} {}", self.day, MONTHS[self.month as usize - 1], self.year)
    }

    /// `October 2011`.
    pub fn month_year(&self) -> String {
        format!("{} {}", MONTHS[self.month as usize - 1], self.year)
    }

    /// The day of the week, 0 for Monday to 6 for Sunday.
    pub fn weekday(&self) -> u8 {
        // Sakamoto's method (0 for Sunday), turned to start on Monday.
        const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.month < 3 { self.year - 1 } else { self.year };
        let sunday_first = (y + y / 4 - y / 100 + y / 400 + T[self.month as usize - 1] + i32::from(self.day)).rem_euclid(7);
        ((sunday_first + 6) % 7) as u8
    }

    /// The day after.
    pub fn next_day(&self) -> Date {
        let next = Date { day: self.day + 1, ..*self };
        if Date::parse(&next.to_string()).is_ok() {
            next
        } else if self.month < 12 {
            Date { month: self.month + 1, day: 1, ..*self }
        } else {
            Date { year: self.year + 1, month: 1, day: 1 }
        }
    }

    /// This day if it is a weekday, else the Monday after.
    pub fn weekday_on_or_after(&self) -> Date {
        let mut d = *self;
        while d.weekday() >= 5 {
            d = d.next_day();
        }
        d
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_by_hand() {
        let d = |s| Date::parse(s).unwrap();
        // 29 November 2026 is a Sunday; 1 January 2000 a Saturday; 29 February 2012 a Wednesday.
        assert_eq!(d("2026-11-29").weekday(), 6);
        assert_eq!(d("2000-01-01").weekday(), 5);
        assert_eq!(d("2012-02-29").weekday(), 2);
        assert_eq!(d("2012-06-23").weekday_on_or_after(), d("2012-06-25"));
        assert_eq!(d("2011-12-31").weekday_on_or_after(), d("2012-01-02"));
        assert_eq!(d("2019-03-11").weekday_on_or_after(), d("2019-03-11"));
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("2011-10-03").unwrap().long(), "3 October 2011");
        assert!(Date::parse("2011-02-29").is_err());
        assert!(Date::parse("2012-02-29").is_ok());
        assert!(Date::parse("03/10/2011").is_err());
        assert!(Date::parse("2011-13-01").is_err());
    }
}
