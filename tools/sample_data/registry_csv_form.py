"""The registry import's CSV form shared by the sample data generators: the Vietnamese headers
of each import kind (services/registry/csv_import.cc accepts them; services/registry/README.md
lists them), the labels of the enum values the generators write, and the department's divisions.

Shared by generate_can_tho.py and ../generate_national.py; a change here changes both data
sets' bytes (the Cần Thơ files are committed: regenerate them).
"""

# A department of education's divisions: (code suffix, name). A division's code is the
# department's code, '-', the suffix (SGDDT-VP).
DIVISIONS = [
    ("VP", "Văn phòng Sở"),
    ("TCCB", "Phòng Tổ chức cán bộ"),
    ("KHTC", "Phòng Kế hoạch - Tài chính"),
    ("GDMN", "Phòng Giáo dục Mầm non"),
    ("GDTH", "Phòng Giáo dục Tiểu học"),
    ("GDTRH", "Phòng Giáo dục Trung học"),
    ("GDTX", "Phòng Giáo dục thường xuyên - Giáo dục nghề nghiệp"),
    ("KTKD", "Phòng Khảo thí và Kiểm định chất lượng giáo dục"),
    ("TTR", "Thanh tra Sở"),
]

LEVEL_LABEL = {"MN": "Mầm non", "TH": "Tiểu học", "THCS": "THCS", "THPT": "THPT",
               "GDTX": "GDTX", "GDNN": "GDNN"}

# Headers: the Vietnamese ones the registry documents (services/registry/README.md).
UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại đơn vị", "Cấp học", "Cấp học khác",
               "Mã đơn vị cấp trên", "Mã quận huyện", "Địa chỉ"]
PERSON_HEADER = ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Chức vụ", "Loại cán bộ",
                 "Lãnh đạo quản lý", "Đứng đầu đơn vị"]
UNIT_RECORD_HEADER = [
    "Mã đơn vị", "Năm học", "Số điểm trường", "Số lớp", "Số học sinh", "Số điểm trường năm trước",
    "Số lớp năm trước", "Số học sinh năm trước", "Chỉ tiêu tuyển sinh đầu cấp", "Tuyển sinh đầu cấp",
    "Tổng số CBGVNV", "CBGVNV đạt chuẩn trình độ", "Số giáo viên", "Số xếp loại tốt",
    "Số xếp loại khá", "Số xếp loại đạt", "Số xếp loại chưa đạt", "Số chưa xếp loại",
    "Học sinh được đánh giá", "Học sinh giỏi", "Học sinh khá", "Dự thi cấp thành phố",
    "Đạt giải cấp thành phố", "Dự thi cấp quốc gia", "Đạt giải cấp quốc gia",
    "Giáo viên dạy giỏi cấp trường", "Giáo viên dạy giỏi cấp huyện",
    "Giáo viên dạy giỏi cấp thành phố", "Chuẩn quốc gia", "Số trường đạt chuẩn quốc gia",
    "Kế hoạch trường đạt chuẩn quốc gia", "Phổ cập giáo dục", "Mức phổ cập", "Đánh giá năm học",
    "Cấp đánh giá", "Số quyết định đánh giá", "Xếp loại tổ chức đảng", "Công đoàn",
    "Đoàn thanh niên", "Đội thiếu niên", "Khối thi đua", "Xếp hạng trong khối",
    "Số đơn vị trong khối", "Danh hiệu thi đua", "Hình thức khen thưởng", "Ghi chú"]
PERSON_RECORD_HEADER = ["Mã cán bộ", "Năm học", "Mã đơn vị", "Chức vụ", "Lãnh đạo quản lý",
                        "Đứng đầu đơn vị", "Đánh giá xếp loại", "Cấp đánh giá",
                        "Xếp loại chuẩn nghề nghiệp", "Ghi nhận", "Danh hiệu thi đua",
                        "Hình thức khen thưởng", "Xếp hạng trong đơn vị", "Số người được xếp hạng",
                        "Ghi chú"]

EXCELLENT = "Hoàn thành xuất sắc nhiệm vụ"
GOOD = "Hoàn thành tốt nhiệm vụ"
DONE = "Hoàn thành nhiệm vụ"
HCM = "Làm theo tấm gương Hồ Chí Minh"
