"""Run inside the georeport venv (not by pytest): the PyPI client `georeport` 0.3.1, unmodified,
against a live gongzhi. Prints what the client returned, as JSON.

    python georeport_client.py ROOT FORMAT SERVICE_CODE START END NUMBER[,NUMBER...]
"""

import json
import sys

from georeport import GeoReport

root, fmt, code, start, end, numbers = sys.argv[1:7]
client = GeoReport(root, jurisdiction="shuangluan.gov.cn", output_format=fmt)
print(
    json.dumps(
        {
            "services": client.get_service_list(),
            "definition": client.get_service_definition(code),
            "search": client.get_service_requests(
                service_code=code, status="open", start_date=start, end_date=end
            ),
            "closed": client.get_service_requests(status="closed"),
            "by_ids": client.get_service_requests(service_request_id=numbers),
            "one": client.get_service_request(numbers.split(",")[0]),
        },
        ensure_ascii=False,
    )
)
