import{c as r,s as e}from"./flowDiagram-HODETNUW-CSCxyQ-d.js";import{_ as a}from"./mermaid.core-E346Suy1.js";import"./chunk-5VM5RSS4-B8qhR1oh.js";import"./chunk-XXDRQBXY-DWupsftd.js";import"./chunk-POPQ4Y6H-DZFRQ-Di.js";import"./chunk-F27PBJKO-Dd6PVmYS.js";import"./index-BfYVxVo0.js";import"./channel-Dbd4MQq6.js";import"./_commonjsHelpers-CqkleIqs.js";var o=a(t=>`${e(t)}
  .swimlane.cluster rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,"getStyles"),m=o,y=r({defaultLayout:"swimlane",styles:m});export{y as diagram};
