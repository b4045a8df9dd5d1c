"""Viet Nam's 63 provinces and centrally run cities for the national sample data set
(../generate_national.py): the national province code, the name, whether it is a city (thành
phố trực thuộc trung ương) or a province (tỉnh), about how many districts it had in 2019, and
its socio-economic region (the departments of education compete in emulation clusters by region).

Codes and names are the public administrative ones; the district counts are approximate. The
districts themselves (names and codes) are invented by the generator, except Cần Thơ's, which
are the real ones of the Cần Thơ sample set.
"""

# The regions (vùng kinh tế - xã hội), numbered for the clusters' ids.
REGIONS = {
    1: "Trung du và miền núi phía Bắc",
    2: "Đồng bằng sông Hồng",
    3: "Bắc Trung Bộ",
    4: "Duyên hải Nam Trung Bộ",
    5: "Tây Nguyên",
    6: "Đông Nam Bộ",
    7: "Đồng bằng sông Cửu Long",
}

CITY = "Thành phố"
PROVINCE = "Tỉnh"

# (code, name, city or province, districts, region)
PROVINCES = [
    ("01", "Hà Nội", CITY, 30, 2),
    ("02", "Hà Giang", PROVINCE, 11, 1),
    ("04", "Cao Bằng", PROVINCE, 10, 1),
    ("06", "Bắc Kạn", PROVINCE, 8, 1),
    ("08", "Tuyên Quang", PROVINCE, 7, 1),
    ("10", "Lào Cai", PROVINCE, 9, 1),
    ("11", "Điện Biên", PROVINCE, 10, 1),
    ("12", "Lai Châu", PROVINCE, 8, 1),
    ("14", "Sơn La", PROVINCE, 12, 1),
    ("15", "Yên Bái", PROVINCE, 9, 1),
    ("17", "Hòa Bình", PROVINCE, 10, 1),
    ("19", "Thái Nguyên", PROVINCE, 9, 1),
    ("20", "Lạng Sơn", PROVINCE, 11, 1),
    ("22", "Quảng Ninh", PROVINCE, 13, 2),
    ("24", "Bắc Giang", PROVINCE, 10, 1),
    ("25", "Phú Thọ", PROVINCE, 13, 1),
    ("26", "Vĩnh Phúc", PROVINCE, 9, 2),
    ("27", "Bắc Ninh", PROVINCE, 8, 2),
    ("30", "Hải Dương", PROVINCE, 12, 2),
    ("31", "Hải Phòng", CITY, 15, 2),
    ("33", "Hưng Yên", PROVINCE, 10, 2),
    ("34", "Thái Bình", PROVINCE, 8, 2),
    ("35", "Hà Nam", PROVINCE, 6, 2),
    ("36", "Nam Định", PROVINCE, 10, 2),
    ("37", "Ninh Bình", PROVINCE, 8, 2),
    ("38", "Thanh Hóa", PROVINCE, 27, 3),
    ("40", "Nghệ An", PROVINCE, 21, 3),
    ("42", "Hà Tĩnh", PROVINCE, 13, 3),
    ("44", "Quảng Bình", PROVINCE, 8, 3),
    ("45", "Quảng Trị", PROVINCE, 10, 3),
    ("46", "Thừa Thiên Huế", PROVINCE, 9, 3),
    ("48", "Đà Nẵng", CITY, 8, 4),
    ("49", "Quảng Nam", PROVINCE, 18, 4),
    ("51", "Quảng Ngãi", PROVINCE, 14, 4),
    ("52", "Bình Định", PROVINCE, 11, 4),
    ("54", "Phú Yên", PROVINCE, 9, 4),
    ("56", "Khánh Hòa", PROVINCE, 9, 4),
    ("58", "Ninh Thuận", PROVINCE, 7, 4),
    ("60", "Bình Thuận", PROVINCE, 10, 4),
    ("62", "Kon Tum", PROVINCE, 10, 5),
    ("64", "Gia Lai", PROVINCE, 17, 5),
    ("66", "Đắk Lắk", PROVINCE, 15, 5),
    ("67", "Đắk Nông", PROVINCE, 8, 5),
    ("68", "Lâm Đồng", PROVINCE, 12, 5),
    ("70", "Bình Phước", PROVINCE, 11, 6),
    ("72", "Tây Ninh", PROVINCE, 9, 6),
    ("74", "Bình Dương", PROVINCE, 9, 6),
    ("75", "Đồng Nai", PROVINCE, 11, 6),
    ("77", "Bà Rịa - Vũng Tàu", PROVINCE, 8, 6),
    ("79", "Hồ Chí Minh", CITY, 24, 6),
    ("80", "Long An", PROVINCE, 15, 7),
    ("82", "Tiền Giang", PROVINCE, 11, 7),
    ("83", "Bến Tre", PROVINCE, 9, 7),
    ("84", "Trà Vinh", PROVINCE, 9, 7),
    ("86", "Vĩnh Long", PROVINCE, 8, 7),
    ("87", "Đồng Tháp", PROVINCE, 12, 7),
    ("89", "An Giang", PROVINCE, 11, 7),
    ("91", "Kiên Giang", PROVINCE, 15, 7),
    ("92", "Cần Thơ", CITY, 9, 7),
    ("93", "Hậu Giang", PROVINCE, 8, 7),
    ("94", "Sóc Trăng", PROVINCE, 11, 7),
    ("95", "Bạc Liêu", PROVINCE, 7, 7),
    ("96", "Cà Mau", PROVINCE, 9, 7),
]

# Syllables of Vietnamese place names (Hán-Việt words that districts, communes and wards are
# commonly named with); two of them make a plausible name ("Tân Phú", "Vĩnh Lộc").
PLACE_SYLLABLES = [
    "An", "Bình", "Phú", "Tân", "Long", "Hòa", "Thạnh", "Mỹ", "Đức", "Vĩnh", "Châu", "Thành",
    "Xuân", "Hưng", "Lộc", "Sơn", "Yên", "Quảng", "Hải", "Gia", "Thuận", "Trà", "Cát", "Đông",
    "Tây", "Nam", "Bắc", "Hương", "Thủy", "Lạc", "Phước", "Lâm", "Định", "Khánh", "Ninh", "Thái",
    "Kim", "Hà", "Quế", "Tiên", "Cẩm", "Diên", "Đại", "Trung", "Lương", "Nghĩa", "Hiệp", "Minh",
    "Quang", "Phong", "Điền", "Hồng", "Bảo", "Văn", "Triệu", "Hoài", "Lệ", "Cao", "Thọ", "Kỳ",
]
