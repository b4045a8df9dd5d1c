"""Vietnamese names for the sample data sets: people's names (surnames, middle and given names
by gender, as the sector's staff lists show them) and the names schools are given.

Shared by generate_can_tho.py and ../generate_national.py; a change here changes both data
sets' bytes (the Cần Thơ files are committed: regenerate them).
"""

# Names schools are commonly given: figures of history and literature, places, flowers.
NAMESAKES = [
    "Lê Quý Đôn", "Nguyễn Trãi", "Trần Hưng Đạo", "Lý Thường Kiệt", "Nguyễn Du", "Chu Văn An",
    "Phan Đình Phùng", "Võ Trường Toản", "Bùi Hữu Nghĩa", "Phan Văn Trị", "Nguyễn Việt Hồng",
    "Trần Quốc Toản", "Lương Thế Vinh", "Nguyễn Bỉnh Khiêm", "Hai Bà Trưng", "Ngô Quyền",
    "Đoàn Thị Điểm", "Huỳnh Thúc Kháng", "Phan Bội Châu", "Nguyễn Đình Chiểu", "Trương Định",
    "Đinh Tiên Hoàng", "Lê Lợi", "Quang Trung", "Trần Phú", "Võ Thị Sáu", "Nguyễn Thị Minh Khai",
    "Lê Hồng Phong", "Hà Huy Tập", "Nguyễn Văn Cừ", "Tô Vĩnh Diện", "Kim Đồng", "Lê Văn Tám",
    "Mạc Đĩnh Chi", "Trần Đại Nghĩa", "Tôn Đức Thắng", "Thủ Khoa Nghĩa", "Đặng Trần Côn",
    "Nguyễn Khuyến", "Trần Văn Hoài", "Châu Văn Liêm", "Lưu Hữu Phước", "Phan Ngọc Hiển",
    "Nguyễn Hữu Cầu", "Huỳnh Phan Hộ", "Trần Ngọc Quế", "Lê Bình", "Ngô Hữu Hạnh",
]
FLOWERS = ["Hoa Sen", "Hoa Mai", "Hoa Hồng", "Sơn Ca", "Họa Mi", "Vành Khuyên", "Bông Sen",
           "Tuổi Thơ", "Măng Non", "Hướng Dương", "Hoa Cúc", "Thiên Thần", "Ánh Dương", "Bình Minh"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Trương", "Lâm", "Châu", "Thái", "Tạ", "Quách", "Diệp"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Bích", "Hồng", "Phương", "Tuyết"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Hữu", "Thanh", "Đức", "Hoàng", "Công", "Tấn", "Trọng"]
GIVEN_F = ["Hà", "Lan", "Mai", "Hương", "Trang", "Thảo", "Ngân", "Nhung", "Yến", "Loan", "Diễm",
           "Trinh", "Hạnh", "Phượng", "Oanh", "Vân", "Liên", "Thủy", "Tuyền", "Ánh", "Hằng", "Xuân"]
GIVEN_M = ["Bình", "Hùng", "Dũng", "Tâm", "Phúc", "Khoa", "Long", "Nam", "Sơn", "Tuấn", "Vinh",
           "Hải", "Quang", "Thắng", "Trí", "Lộc", "Nghĩa", "Đạt", "Toàn", "Hiếu", "Khải", "Út"]
