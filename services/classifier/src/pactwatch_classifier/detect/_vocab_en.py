"""The English words that shape a name: titles, organisation words, event words, the
surnames and syllables of Chinese names in pinyin, and the words around a name that are not
part of it. `_entities` reads them; kept apart so the spotting code reads as steps."""

from __future__ import annotations

import re

from ._text import words

TITLE_WORDS = words(
    """mayor vice deputy acting secretary president chairman chairwoman chairperson ceo cfo coo
    cto director governor minister premier chief general manager head founder co-founder
    ambassador consul professor prof. dr. mr. ms. mrs. executive party commissioner
    counsellor counselor councillor representative spokesman spokesperson spokeswoman
    officer partner managing leader member senator congressman academician dean principal
    chancellor envoy attaché attache captain king queen prince princess sheikh"""
)

ORG_WORDS = words(
    """group company companies co. co ltd ltd. inc inc. corp corp. corporation bank university
    institute center centre zone district city county province government ministry committee
    commission association chamber fund park hospital academy bureau administration
    authority council agency office port airlines airline holdings holding pharmaceuticals
    pharmaceutical pharma technology technologies partners capital ventures energy motors
    municipality federation foundation laboratory laboratories lab labs college school
    society alliance consortium union organization organisation department police court
    exchange trust securities insurance industries systems solutions networks electronics
    medical health healthcare therapeutics biotech biosciences bioscience logistics airport
    railway railways media telecom mobile steel chemical chemicals materials automotive auto
    power grid petroleum oil mining resources investment investments development platform
    incubator cluster commerce llc plc gmbh ag s.a. enterprise enterprises manufacturing
    semiconductor semiconductors microelectronics electric robotics software cloud data town
    village state region prefecture area province municipal people's consulting studio studios
    services shipping airways ports terminal terminals branch"""
)

EVENT_WORDS = words(
    """expo forum conference summit fair exhibition festival games week ceremony meeting
    congress symposium dialogue award awards olympics cup championship championships plan
    program programme initiative strategy session sessions day show tour competition contest
    seminar workshop roadshow"""
)

SPEECH_VERBS = words(
    """said says stressed noted added told emphasized emphasised introduced hoped expressed
    pointed stated remarked explained urged called welcomed praised thanked believes
    believed announced witnessed met visited presided attended delivered"""
)

CN_SURNAMES = words(
    """wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng
    liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du
    ye cheng wei su lv lu ding ren yao shen zhong cui tan fan jin shi liao jia xia fu fang
    zou xiong bai meng qin qiu hou yin xue yan duan lei long tao mao hao gu gong shao wan
    qian lai kong wen qi chang ge jiao kang niu hong mo zhuang geng xing lang ni ou bao ai
    bi bian chai chi dai fei gan guan hua ji ju kou lan le lian ling mei miao ning pang pei
    pu qiao qu rao rong sang sha shang shu si tong wo xi xian xiang xin you zhan zuo"""
)

CURRENCIES = words("dollar dollars cents yuan euro euros pounds sterling")

# One or more pinyin syllables without tones ("wenhai", "xiaoping"): a Chinese given name.
PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua"
    r"|uo|ue|ui|ve|a|o|e|i|u|v))+"
)

ADJECTIVES = words(
    """chinese foreign local national international global european american asian african
    british german french japanese korean russian indian dutch italian spanish sino"""
)

# Words that begin the name of a body ("University of ...", "Ministry of ..."): after "and"
# inside an "X of Y" name they begin a second body.
ORG_HEADS = words(
    """university ministry bank port city government academy institute college school
    hospital association council chamber federation department bureau commission committee
    agency authority office municipality foundation society centre center"""
)

PURPOSE_TAIL = words("project projects program programme initiative plan")

PLURAL_TITLES = words("members representatives leaders mayors ministers ambassadors directors")
